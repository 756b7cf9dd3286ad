package dev.mysqlsts.local;

import dev.mysqlsts.backend.Settings;
import dev.mysqlsts.manifest.ClusterSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;

/**
 * The startup benchmark's measurements, which need the LOCAL backend's internals: a cluster start with each
 * pod's phases and resident memory, and the floor, three server starts in ordinal order on the data directories
 * that start left, with the same binaries and my.cnf, each until its readiness probe passes.
 */
public final class StartupFigures {

    /**
     * One round.
     *
     * @param clusterMillis the harness's start until every pod was Ready
     * @param floorMillis   the same pods' servers started again in order on their stopped data directories
     * @param pods          one line per pod: its phases and resident memory
     */
    public record Round(long clusterMillis, long floorMillis, List<String> pods) {
    }

    private StartupFigures() {
    }

    /**
     * @param forgetSnapshot drop the snapshot of the cluster's shape afterwards, so that the next start of this shape
     *                       is a first one again
     */
    public static Round measure(ClusterSpec spec, Settings settings, boolean forgetSnapshot) {
        long started = System.nanoTime();
        LocalStatefulSet cluster = (LocalStatefulSet) new LocalBackend().start(spec, settings);
        long clusterMillis = (System.nanoTime() - started) / 1_000_000;
        PodEnvironment env = cluster.env();
        try {
            List<String> pods = new ArrayList<>();
            List<PodPhases> phases = cluster.startPhases();
            for (int ordinal = 0; ordinal < phases.size(); ordinal++) {
                pods.add(spec.podName(ordinal) + ": " + phases.get(ordinal).total() + " ms = " + phases.get(ordinal));
            }
            return new Round(clusterMillis, floor(cluster), pods);
        } finally {
            cluster.close();
            if (forgetSnapshot && env.snapshots() != null) {
                env.snapshots().find(env, spec.replicas()).ifPresent(env.snapshots()::forget);
            }
        }
    }

    /** Stops every pod, then starts its server again on the same files, in ordinal order, each until Ready. */
    private static long floor(LocalStatefulSet cluster) {
        PodEnvironment env = cluster.env();
        int replicas = cluster.replicas();
        for (int ordinal = replicas - 1; ordinal >= 0; ordinal--) {
            cluster.pod(ordinal).stop();
        }
        List<ServerProcess> servers = new ArrayList<>();
        long started = System.nanoTime();
        try {
            for (int ordinal = 0; ordinal < replicas; ordinal++) {
                LocalPod pod = cluster.pod(ordinal);
                ServerProcess server = ServerProcess.start(env.binaries(), pod.directory(), env.clusterName() + "-floor-"
                        + ordinal, List.of());
                servers.add(server);
                String url = pod.serverEndpoint().jdbcUrl();
                Awaitility.await(pod.name() + " floor start").atMost(Duration.ofSeconds(60))
                        .pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(5))
                        .failFast(pod.name() + " exited", () -> !server.isAlive())
                        .until(() -> env.probe().passes(url));
            }
            return (System.nanoTime() - started) / 1_000_000;
        } finally {
            servers.forEach(server -> server.stop(Duration.ofSeconds(60)));
        }
    }
}
