package dev.mysqlsts.local;

/**
 * A JVM that starts a two-pod LOCAL cluster, prints its server pids and run directory, then waits to be
 * killed; {@link ProcessLeakTest} kills it with SIGKILL.
 */
public final class ClusterInChildJvm {

    private ClusterInChildJvm() {
    }

    public static void main(String[] args) throws InterruptedException {
        LocalStatefulSet cluster = LocalClusters.start(2, "mysqlsts.clone", "logical");
        System.out.println("PIDS " + cluster.pid(0) + " " + cluster.pid(1) + " RUN " + ProcessReaper.get().runDirectory());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
