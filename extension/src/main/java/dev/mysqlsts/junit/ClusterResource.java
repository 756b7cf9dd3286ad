package dev.mysqlsts.junit;

import dev.mysqlsts.cluster.ClusterBrokenException;
import dev.mysqlsts.cluster.StatefulSetCluster;

/**
 * The cluster of one test class, kept in JUnit's store: closed after the class, its data kept when a test
 * of the class failed.
 */
final class ClusterResource implements AutoCloseable {

    /** Set to false to remove a failed class's data too (the harness's own tests of failing classes do). */
    static final String KEEP_FAILED = "mysqlsts.keepFailedClusters";

    private final StatefulSetCluster cluster;
    private final boolean keepFailed;
    private volatile boolean failed;
    private volatile ClusterBrokenException broken;

    ClusterResource(StatefulSetCluster cluster, boolean keepFailed) {
        this.cluster = cluster;
        this.keepFailed = keepFailed;
    }

    StatefulSetCluster cluster() {
        return cluster;
    }

    void testFailed(String testName) {
        failed = true;
        cluster.statefulSet().collectDiagnostics(testName);
    }

    /** An earlier test broke the cluster beyond repair: later tests fail at once with the same reason. */
    void broken(ClusterBrokenException cause) {
        broken = cause;
        failed = true;
    }

    boolean isBroken() {
        return broken != null;
    }

    void throwIfBroken() {
        if (broken != null) {
            throw new ClusterBrokenException(broken);
        }
    }

    void markFailed() {
        failed = true;
    }

    @Override
    public void close() {
        cluster.statefulSet().close(failed && keepFailed);
    }
}
