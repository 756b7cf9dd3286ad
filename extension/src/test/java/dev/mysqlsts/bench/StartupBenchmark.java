package dev.mysqlsts.bench;

import dev.mysqlsts.backend.Settings;
import dev.mysqlsts.local.LocalBackend;
import dev.mysqlsts.local.StartupFigures;
import dev.mysqlsts.manifest.ClusterSpec;
import dev.mysqlsts.manifest.ManifestLoader;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Prints, per round, how long a 3-pod LOCAL cluster takes to be Ready, the floor measured right after on the same
 * machine (the same three servers started again in order on their stopped data directories, same binaries and
 * options), and each pod's phases and resident memory. Not part of the suite (its name does not end in Test); run
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
        for (String variant : new String[] {"snapshot", "cloned"}) {
            Settings settings = "cloned".equals(variant)
                    ? Settings.from(key -> "mysqlsts.snapshot".equals(key) ? Optional.of("false")
                            : Optional.ofNullable(System.getProperty(key)))
                    : Settings.systemProperties();
            for (int round = 1; round <= rounds; round++) {
                StartupFigures.Round figures = StartupFigures.measure(spec, settings);
                System.out.println("floor: " + replicas + " server starts in " + figures.floorMillis() + " ms (round "
                        + round + ", " + server + ")");
                System.out.println("harness: " + replicas + " pods ready in " + figures.clusterMillis() + " ms (round "
                        + round + ", " + variant + ", " + server + ", " + ratio(figures) + "x the floor)");
                figures.pods().forEach(pod -> System.out.println("  " + pod));
            }
        }
    }

    private static String ratio(StartupFigures.Round figures) {
        return String.format("%.2f", (double) figures.clusterMillis() / Math.max(1, figures.floorMillis()));
    }
}
