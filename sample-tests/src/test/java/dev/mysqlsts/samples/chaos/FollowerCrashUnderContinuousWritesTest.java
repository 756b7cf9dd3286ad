package dev.mysqlsts.samples.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mysqlsts.Faults;
import dev.mysqlsts.MySqlCluster;
import dev.mysqlsts.MySqlStatefulSet;
import dev.mysqlsts.ReplicaStatus;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chaos experiment: a follower crashes (SIGKILL) again and again while a client writes to the leader without
 * pause. Finding: the manifests' sidecar replicates by binlog file and position, and MariaDB records a
 * follower's applied position in {@code relay-log.info}, outside the transaction: a crash between the two
 * makes the restarted follower apply a transaction again and stop with error 1062 (duplicate key); a crash
 * can also cut its relay log in the middle of a transaction (error 1866). The experiment reproduces the
 * duplicate, repairs the follower as an operator would (skip what it had applied, fetch a damaged relay log
 * again), checks that no committed write was lost on the leader, and rebuilds the follower when the repairs left
 * it short of a row (a skip can be wrong after a crash), so that every pod holds every committed write.
 * <p>
 * Whether a given kill lands in the window is chance: the test kills up to 30 times and fails only if none did (in
 * every run of this project's CI so far, one of the first few did). It stays in the default run because it is also
 * the experiment that showed crash restarts starving on JDK 25 (a writer on the common pool, as users write it).
 */
@MySqlStatefulSet(replicas = 3)
class FollowerCrashUnderContinuousWritesTest {

    private static final Logger LOG = LoggerFactory.getLogger(FollowerCrashUnderContinuousWritesTest.class);
    private static final int DUPLICATE_KEY = 1062;
    /** Relay log read failure, and an event group cut short in the relay log. */
    private static final Set<Integer> RELAY_LOG_DAMAGED = Set.of(1594, 1866);

    @Test
    void crashesUnderLoadBreakFilePositionReplicationUntilRepairedAndLoseNoWrite(MySqlCluster cluster, Faults faults)
            throws Exception {
        Sql.run(cluster.leader(), "CREATE DATABASE workload", "CREATE TABLE workload.writes (id INT PRIMARY KEY)");
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicInteger committed = new AtomicInteger();
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            try (Connection leader = cluster.leader().connection(); Statement sql = leader.createStatement()) {
                while (writing.get()) {
                    sql.execute("INSERT INTO workload.writes VALUES (" + (committed.get() + 1) + ")");
                    committed.incrementAndGet();
                }
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });

        int crashes = 0;
        ReplicaStatus afterCrash = cluster.replicaStatus(2);
        while (crashes < 30 && afterCrash.lastSqlErrno() == 0) {
            faults.kill(2);
            crashes++;
            cluster.awaitReady();
            afterCrash = awaitApplyingOrStopped(cluster, committed.get());
        }
        writing.set(false);
        writer.join();
        LOG.info("mysql-2 stopped replicating after {} crashes under load: {}", crashes, afterCrash.summary());
        assertTrue(afterCrash.lastSqlErrno() == DUPLICATE_KEY || RELAY_LOG_DAMAGED.contains(afterCrash.lastSqlErrno()),
                "the file/position replication of the manifests is not crash-safe: within " + crashes + " crashes a "
                        + "restarted follower applies a transaction twice or reads a cut relay log; got " + afterCrash.summary());

        // the repairs an operator makes, until replication runs again
        ReplicaStatus status = cluster.replicaStatus(2);
        for (int repairs = 0; !status.sqlRunning() && repairs < 50; repairs++) {
            if (status.lastSqlErrno() == DUPLICATE_KEY) {
                // skip a transaction the follower had applied before it crashed
                Sql.run(cluster.pod(2), "STOP SLAVE", "SET GLOBAL sql_slave_skip_counter = 1", "START SLAVE");
            } else if (RELAY_LOG_DAMAGED.contains(status.lastSqlErrno())) {
                // the crash cut the relay log mid-transaction: fetch again from what was applied
                Sql.run(cluster.pod(2), "STOP SLAVE", "CHANGE MASTER TO MASTER_LOG_FILE='" + status.execSourceLogFile()
                        + "', MASTER_LOG_POS=" + status.execPosition(), "START SLAVE");
            } else {
                throw new AssertionError("mysql-2 stopped replicating for an unexpected reason: " + status.summary());
            }
            status = Awaitility.await().atMost(Duration.ofSeconds(10))
                    .until(() -> cluster.replicaStatus(2), s -> s.sqlRunning() || s.lastSqlErrno() != 0);
        }

        cluster.awaitReplicationCaughtUp();
        assertEquals(committed.get(), Sql.count(cluster.leader(), "workload.writes"), "no committed write lost on the leader");
        long onFollower = Sql.count(cluster.pod(2), "workload.writes");
        if (onFollower != committed.get()) {
            // a skip trusts the follower's own record of what it applied, which the crash made unreliable: now and
            // then the repairs above leave it a row short (seen once in about ten runs). The repair that cannot get
            // it wrong is a rebuild from the previous ordinal.
            LOG.info("after the manual repairs mysql-2 holds {} of {} rows (first id missing: {}); rebuilding it",
                    onFollower, committed.get(), Sql.single(cluster.pod(2), "SELECT MIN(id) + 1 FROM workload.writes w "
                            + "WHERE NOT EXISTS (SELECT 1 FROM workload.writes n WHERE n.id = w.id + 1)"));
            cluster.rebuild(2);
            cluster.awaitReplicationCaughtUp();
        }
        assertEquals(committed.get(), Sql.count(cluster.pod(2), "workload.writes"));
        cluster.assertConsistent();
    }

    /**
     * After a restart, waits (bounded) until mysql-2 has applied what the leader had committed by then, or its SQL
     * thread stopped; returns its status.
     */
    private static ReplicaStatus awaitApplyingOrStopped(MySqlCluster cluster, long committed) {
        return Awaitility.await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
                .until(() -> cluster.replicaStatus(2), status -> status.lastSqlErrno() != 0 || applied(cluster, committed));
    }

    private static boolean applied(MySqlCluster cluster, long committed) {
        try {
            return Sql.count(cluster.pod(2), "workload.writes") >= committed;
        } catch (SQLException e) {
            return false; // not answering yet: ask again
        }
    }
}
