package dev.mysqlsts.junit;

import dev.mysqlsts.cluster.ClusterBrokenException;
import dev.mysqlsts.cluster.SchemaHandOver;
import dev.mysqlsts.cluster.StatefulSetCluster;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A running cluster, kept in JUnit's store: a class's own in the class's store, closed after the class; a shared
 * one in the root store, closed by JUnit when the run ends. Its data is kept when a test on it failed.
 */
final class ClusterResource implements AutoCloseable {

    /** Set to false to remove a failed class's data too (the harness's own tests of failing classes do). */
    static final String KEEP_FAILED = "mysqlsts.keepFailedClusters";

    private final ClusterKey key;
    private final StatefulSetCluster cluster;
    private final boolean keepFailed;
    private volatile boolean failed;
    private volatile ClusterBrokenException broken;
    private final AtomicBoolean closed = new AtomicBoolean();

    ClusterResource(ClusterKey key, StatefulSetCluster cluster, boolean keepFailed) {
        this.key = key;
        this.cluster = cluster;
        this.keepFailed = keepFailed;
        RunningClusters.started(key, cluster);
    }

    ClusterKey key() {
        return key;
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
        if (closed.compareAndSet(false, true)) {
            RunningClusters.stopped(key, cluster);
            SchemaHandOver.release(cluster);
            cluster.statefulSet().close(failed && keepFailed);
        }
    }
}
