package dev.mysqlsts.cluster;

import static org.apiguardian.api.API.Status.INTERNAL;

import org.apiguardian.api.API;

/**
 * A test left the cluster in a state the harness could not repair: every later test of the class fails at once
 * with this, naming the cluster, the test that broke it and why, instead of waiting on a broken cluster.
 */
@API(status = INTERNAL)
public final class ClusterBrokenException extends IllegalStateException {

    ClusterBrokenException(String cluster, String test, String reason, Throwable cause) {
        super("cluster " + cluster + " broken by " + test + ": " + reason, cause);
    }

    /** The same failure again, for a later test of the class. */
    public ClusterBrokenException(ClusterBrokenException first) {
        super(first.getMessage(), first);
    }
}
