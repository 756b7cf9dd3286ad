package dev.mysqlsts.bench;

import dev.mysqlsts.backend.RunningStatefulSet;
import dev.mysqlsts.backend.Settings;
import dev.mysqlsts.local.LocalBackend;
import dev.mysqlsts.manifest.ManifestLoader;
import org.junit.jupiter.api.Test;

/**
 * Prints how long a 3-pod LOCAL cluster takes to be Ready, one line per round. Not part of the suite (its name
 * does not end in Test); run it with bench/startup.sh, which also times the same steps done by hand.
 */
class StartupBenchmark {

    @Test
    void threePodClusterStartup() {
        int rounds = Integer.getInteger("benchmark.rounds", 5);
        new LocalBackend().start(ManifestLoader.load("", 1), Settings.systemProperties()).close(); // warm the cache
        for (int round = 1; round <= rounds; round++) {
            long started = System.nanoTime();
            RunningStatefulSet cluster = new LocalBackend().start(ManifestLoader.load("", 3), Settings.systemProperties());
            long millis = (System.nanoTime() - started) / 1_000_000;
            cluster.close();
            System.out.println("harness: 3 pods ready in " + millis + " ms (round " + round + ", "
                    + System.getProperty("mysqlsts.mysqld", "first server found") + ")");
        }
    }
}
