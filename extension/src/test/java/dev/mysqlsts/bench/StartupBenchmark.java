package dev.mysqlsts.bench;

import dev.mysqlsts.backend.Settings;
import dev.mysqlsts.local.LocalBackend;
import dev.mysqlsts.local.StartupFigures;
import dev.mysqlsts.manifest.ClusterSpec;
import dev.mysqlsts.manifest.ManifestLoader;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Prints, per round, how long a 3-pod LOCAL cluster takes to be Ready, the floor measured right after on the same
 * machine (the same three servers started again in order on their stopped data directories, same binaries and
 * options), and each pod's phases and resident memory; with snapshots (the default), with every follower cloned,
 * and for a shape started for the first time (cloned, and the clones kept as its snapshot). Not part of the suite (its name does not end in Test); run
 * it with bench/startup.sh, which also times the same steps done by hand.
 */
class StartupBenchmark {

    @Test
    void threePodClusterStartup() {
        int rounds = Integer.getInteger("benchmark.rounds", 5);
        int replicas = Integer.getInteger("benchmark.replicas", 3);
        String server = System.getProperty("mysqlsts.mysqld", "first server found");
        ClusterSpec spec = ManifestLoader.load(System.getProperty("benchmark.manifests", ""), replicas);
        // warm the caches (binaries, data directory template, and the snapshot when snapshots are on)
        new LocalBackend().start(spec, Settings.systemProperties()).close();
        for (String variant : new String[] {"snapshot", "cloned", "new shape"}) {
            Settings settings = "cloned".equals(variant)
                    ? Settings.from(key -> "mysqlsts.snapshot".equals(key) ? Optional.of("false")
                            : Optional.ofNullable(System.getProperty(key)))
                    : Settings.systemProperties();
            boolean newShape = "new shape".equals(variant);
            for (int round = 1; round <= rounds; round++) {
                StartupFigures.Round figures = StartupFigures.measure(newShape ? neverStarted(spec) : spec, settings,
                        newShape);
                System.out.println("floor: " + replicas + " server starts in " + figures.floorMillis() + " ms (round "
                        + round + ", " + server + ")");
                System.out.println("harness: " + replicas + " pods ready in " + figures.clusterMillis() + " ms (round "
                        + round + ", " + variant + ", " + server + ", " + ratio(figures) + "x the floor)");
                figures.pods().forEach(pod -> System.out.println("  " + pod));
            }
        }
    }

    /**
     * The same manifests with a comment added to the leader's config: a shape no snapshot exists of, as a team's own
     * manifests are at their first run (followers cloned, their clones kept for the next start of the shape).
     */
    private static ClusterSpec neverStarted(ClusterSpec spec) {
        ClusterSpec.ConfigFile leader = spec.leaderConfig();
        return new ClusterSpec(spec.source(), spec.statefulSetName(), spec.serviceName(), spec.readServiceName(),
                spec.replicas(), spec.port(), new ClusterSpec.ConfigFile(leader.key(), leader.content()
                        + "\n# startup benchmark: a new shape " + UUID.randomUUID() + "\n"), spec.followerConfig(),
                spec.readiness(), spec.liveness(), spec.objects(), spec.podManagementPolicy(), spec.configInit(),
                spec.changeMasterOptions());
    }

    private static String ratio(StartupFigures.Round figures) {
        return String.format("%.2f", (double) figures.clusterMillis() / Math.max(1, figures.floorMillis()));
    }
}
