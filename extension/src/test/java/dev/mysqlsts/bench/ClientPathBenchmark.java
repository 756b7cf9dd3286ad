package dev.mysqlsts.bench;

import dev.mysqlsts.MySqlCluster;
import dev.mysqlsts.backend.Settings;
import dev.mysqlsts.cluster.StatefulSetCluster;
import dev.mysqlsts.local.ClientPathUrls;
import dev.mysqlsts.local.LocalBackend;
import dev.mysqlsts.manifest.ManifestLoader;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What the application's path costs: queries per second and p50/p99 round trip of {@code SELECT 1} and of a 10 kB
 * row on one connection, direct to the server's own port, through the writer endpoint, and through the pod's
 * client-path proxy (its {@code jdbcUrl()}) with no fault, interleaved in rounds in one run so that the machine's
 * load hits all three alike. Not part of the suite (its name does not end in Test); run it with bench/client-path.sh.
 */
class ClientPathBenchmark {

    private static final int ROUNDS = Integer.getInteger("benchmark.rounds", 5);
    private static final int QUERIES = Integer.getInteger("benchmark.queries", 2000);

    @Test
    void clientPathCost() throws SQLException {
        try (var running = new LocalBackend().start(ManifestLoader.load("", 1), Settings.systemProperties())) {
            MySqlCluster cluster = new StatefulSetCluster(running);
            Map<String, String> paths = new LinkedHashMap<>();
            paths.put("direct", ClientPathUrls.direct(running, 0));
            paths.put("writer endpoint", cluster.jdbcUrl());
            paths.put("client-path proxy", cluster.pod(0).jdbcUrl());
            try (Connection c = DriverManager.getConnection(paths.get("direct")); Statement sql = c.createStatement()) {
                sql.execute("CREATE DATABASE bench");
                sql.execute("CREATE TABLE bench.rows (id INT PRIMARY KEY, body VARBINARY(10240))");
                sql.execute("INSERT INTO bench.rows VALUES (1, REPEAT('x', 10240))");
            }
            for (String query : new String[] {"SELECT 1", "SELECT body FROM bench.rows WHERE id = 1"}) {
                Map<String, long[]> nanos = new LinkedHashMap<>();
                paths.keySet().forEach(path -> nanos.put(path, new long[ROUNDS * QUERIES]));
                for (int round = 0; round < ROUNDS; round++) {
                    for (var path : paths.entrySet()) {
                        measure(path.getValue(), query, nanos.get(path.getKey()), round * QUERIES);
                    }
                }
                String label = query.equals("SELECT 1") ? "SELECT 1" : "10 kB row";
                double directQps = queriesPerSecond(nanos.get("direct"));
                double directP50 = percentile(nanos.get("direct"), 50);
                nanos.forEach((path, samples) -> System.out.printf(
                        "client-path: %-9s %-17s %7.0f queries/s (%3.0f%% of direct)  p50 %.3f ms (%+.3f)  p99 %.3f ms%n",
                        label, path, queriesPerSecond(samples), 100 * queriesPerSecond(samples) / directQps,
                        percentile(samples, 50) / 1e6, (percentile(samples, 50) - directP50) / 1e6,
                        percentile(samples, 99) / 1e6));
            }
        }
    }

    /** One connection, {@link #QUERIES} round trips after a warm-up, each timed. */
    private static void measure(String url, String query, long[] into, int offset) throws SQLException {
        try (Connection connection = DriverManager.getConnection(url);
             PreparedStatement statement = connection.prepareStatement(query)) {
            for (int i = -200; i < QUERIES; i++) {
                long started = System.nanoTime();
                try (ResultSet row = statement.executeQuery()) {
                    row.next();
                    row.getBytes(1);
                }
                if (i >= 0) {
                    into[offset + i] = System.nanoTime() - started;
                }
            }
        }
    }

    private static double queriesPerSecond(long[] nanos) {
        return nanos.length / (Arrays.stream(nanos).sum() / 1e9);
    }

    private static double percentile(long[] nanos, int percent) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return sorted[Math.min(sorted.length - 1, sorted.length * percent / 100)];
    }
}
