package dev.mysqlsts.junit;

import dev.mysqlsts.cluster.StatefulSetCluster;

/**
 * The cluster of one test class, kept in JUnit's store: closed after the class, its data kept when a test
 * of the class failed.
 */
final class ClusterResource implements AutoCloseable {

    private final StatefulSetCluster cluster;
    private volatile boolean failed;

    ClusterResource(StatefulSetCluster cluster) {
        this.cluster = cluster;
    }

    StatefulSetCluster cluster() {
        return cluster;
    }

    void testFailed(String testName) {
        failed = true;
        cluster.statefulSet().collectDiagnostics(testName);
    }

    void markFailed() {
        failed = true;
    }

    @Override
    public void close() {
        cluster.statefulSet().close(failed);
    }
}
