package dev.mysqlsts.cluster;

import static org.apiguardian.api.API.Status.INTERNAL;

import dev.mysqlsts.ReplicaStatus;
import org.apiguardian.api.API;

/**
 * A follower's replication stopped, with an error (its SQL thread on a conflicting row, its IO thread on a source
 * that cannot serve it), by a {@code STOP SLAVE}, or by the server without an error in its status (MariaDB's IO thread
 * when it cannot write master.info): it will not catch up by waiting.
 */
@API(status = INTERNAL)
public final class ReplicationBrokenError extends AssertionError {

    private final String pod;
    private final ReplicaStatus status;

    ReplicationBrokenError(String pod, ReplicaStatus status) {
        super(describe(pod, status));
        this.pod = pod;
        this.status = status;
    }

    /** Whether a thread stopped (an IO thread that is retrying its connection has not). */
    static boolean isBroken(ReplicaStatus status) {
        return !status.sqlRunning() || "No".equals(status.ioState());
    }

    static String describe(String pod, ReplicaStatus status) {
        if (!status.sqlRunning() && status.lastSqlErrno() != 0) {
            return "replication on " + pod + " stopped: its SQL thread failed with error " + status.lastSqlErrno() + ": "
                    + status.lastSqlError();
        }
        if ("No".equals(status.ioState()) && status.lastIoErrno() != 0) {
            return "replication on " + pod + " stopped: its IO thread failed with error " + status.lastIoErrno() + ": "
                    + status.lastIoError();
        }
        return "replication on " + pod + " is stopped (" + (status.sqlRunning() ? "IO" : "SQL")
                + " thread not running, no error in its status: a STOP SLAVE, faults.stopReplication, or the server "
                + "itself, which then says why in its error log only)";
    }

    /** The pod whose replication broke, for example {@code mysql-2}. */
    public String pod() {
        return pod;
    }

    /** Its replica status when the harness saw it. */
    public ReplicaStatus status() {
        return status;
    }
}
