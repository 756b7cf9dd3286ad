package dev.mysqlsts.bench;

import dev.mysqlsts.backend.Settings;
import dev.mysqlsts.cluster.StatefulSetCluster;
import dev.mysqlsts.local.LocalBackend;
import dev.mysqlsts.manifest.ManifestLoader;
import dev.mysqlsts.statements.StatementLog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What recording the test's statements costs, the two ways issue 18 names: single-row INSERTs (autocommit, one
 * connection, client-side prepared) per second with no recording, with the harness's Connector/J query interceptor
 * ({@code pod.jdbcUrl()}), and with the server's general log to a file instead ({@code SET GLOBAL general_log=1});
 * the server flushes no log per commit (innodb_flush_log_at_trx_commit=0, sync_binlog=0), so that the disk does not
 * hide what recording costs; interleaved in rounds, each round in another order, in one run so that the machine's load hits all three alike;
 * the median round of each is compared. Not part of the suite (its name
 * does not end in Test); run it with bench/statements.sh.
 */
class StatementRecordingBenchmark {

    private static final int ROUNDS = Integer.getInteger("benchmark.rounds", 6);
    private static final int INSERTS = Integer.getInteger("benchmark.inserts", 10_000);

    @Test
    void recordingCost() throws Exception {
        Settings settings = Settings.systemProperties();
        try (var running = new LocalBackend().start(ManifestLoader.load("", 1), settings)) {
            StatefulSetCluster cluster = new StatefulSetCluster(running, dev.mysqlsts.cluster.ClientTimeouts.DEFAULT,
                    dev.mysqlsts.cluster.ChaosHooks.NONE,
                    StatementLog.create(ROUNDS * INSERTS + 100));
            String recorded = cluster.pod(0).jdbcUrl();
            String plain = StatementLog.unrecorded(recorded);
            String admin = running.endpoint(0).adminJdbcUrl();
            Path generalLog = Files.createTempFile("general", ".log");
            try (Connection c = DriverManager.getConnection(admin); Statement sql = c.createStatement()) {
                // no flush per commit: the INSERT's own cost, not the disk's, is what recording adds to
                sql.execute("SET GLOBAL innodb_flush_log_at_trx_commit = 0");
                sql.execute("SET GLOBAL sync_binlog = 0");
            }
            try (Connection c = DriverManager.getConnection(plain); Statement sql = c.createStatement()) {
                sql.execute("CREATE DATABASE bench");
                sql.execute("CREATE TABLE bench.rows (id INT PRIMARY KEY, body VARCHAR(100))");
            }
            Map<String, List<Double>> rates = new LinkedHashMap<>();
            List<String> modes = List.of("none", "query interceptor", "general log");
            modes.forEach(mode -> rates.put(mode, new ArrayList<>()));
            int id = 0;
            for (int round = 0; round < ROUNDS; round++) {
                for (int i = 0; i < modes.size(); i++) { // each round in another order: no mode always goes first
                    String mode = modes.get((round + i) % modes.size());
                    if (mode.equals("general log")) {
                        generalLog(admin, generalLog, true);
                    }
                    long nanos = inserts(mode.equals("query interceptor") ? recorded : plain, id);
                    if (mode.equals("general log")) {
                        generalLog(admin, generalLog, false);
                    }
                    id += INSERTS;
                    rates.get(mode).add(INSERTS / (nanos / 1e9));
                }
            }
            double base = median(rates.get("none"));
            rates.forEach((mode, perRound) -> System.out.printf(
                    "statements: %-17s median %6.0f INSERTs/s (%3.0f%% of none), rounds %s; %d x %d single-row INSERTs%n",
                    mode, median(perRound), 100 * median(perRound) / base,
                    perRound.stream().map(r -> String.format("%.0f", r)).toList(), ROUNDS, INSERTS));
            System.out.printf("statements: recorded by the interceptor: %d; general log file: %d bytes%n",
                    cluster.statements().snapshot().statements().size(), Files.size(generalLog));
            Files.deleteIfExists(generalLog);
        }
    }

    private static void generalLog(String admin, Path file, boolean on) throws SQLException {
        try (Connection c = DriverManager.getConnection(admin); Statement sql = c.createStatement()) {
            if (on) {
                sql.execute("SET GLOBAL general_log_file = '" + file + "'");
                sql.execute("SET GLOBAL log_output = 'FILE'");
            }
            sql.execute("SET GLOBAL general_log = " + (on ? 1 : 0));
        }
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }

    /** One connection, {@link #INSERTS} autocommitted single-row INSERTs after 200 of warm-up; their total time. */
    private static long inserts(String url, int firstId) throws SQLException {
        try (Connection connection = DriverManager.getConnection(url);
             PreparedStatement insert = connection.prepareStatement("INSERT INTO bench.rows VALUES (?, ?)")) {
            for (int i = 0; i < 200; i++) {
                insert.setInt(1, -1 - i - firstId);
                insert.setString(2, "warm-up");
                insert.executeUpdate();
            }
            long started = System.nanoTime();
            for (int i = 0; i < INSERTS; i++) {
                insert.setInt(1, firstId + i);
                insert.setString(2, "row " + i);
                insert.executeUpdate();
            }
            return System.nanoTime() - started;
        }
    }
}
