package dev.mysqlsts.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mysqlsts.LedgerReport;
import dev.mysqlsts.MySqlCluster;
import dev.mysqlsts.MySqlPod;
import dev.mysqlsts.MySqlStatefulSet;
import dev.mysqlsts.Ordinal;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.testkit.engine.EngineExecutionResults;

/**
 * {@code mysqlsts.rootPassword=random} (issue 19, point 3): root gets a random password per cluster, every URL and
 * connection the harness hands out carries it, replication and promote log in with it, and no command line shows it.
 */
class RootPasswordTest {

    @Test
    void aClusterWithARandomRootPasswordServesEveryClientWithIt() {
        EngineExecutionResults results = Fixtures.run(WithARandomRootPassword.class, "mysqlsts.rootPassword", "random");
        assertEquals("", Fixtures.failureMessages(results));
        results.testEvents().assertStatistics(stats -> stats.succeeded(3).failed(0));
    }

    @Test
    void anUnknownValueIsRefusedNamingTheValuesThatWork() {
        EngineExecutionResults results = Fixtures.run(WithARandomRootPassword.class, "mysqlsts.rootPassword", "secret");
        String failures = Fixtures.failureMessages(results);
        assertTrue(failures.contains("mysqlsts.rootPassword=secret is not supported: use random"), failures);
        assertEquals(List.of(), Fixtures.runningServers(), "servers left running");
    }

    /** Run with mysqlsts.rootPassword=random; its methods run in order, the third after the repair of the second. */
    @MySqlStatefulSet(replicas = 3)
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    static class WithARandomRootPassword {

        @Test
        @Order(1)
        void everyUrlAndConnectionCarriesRootsPassword(MySqlCluster cluster, @Ordinal(1) Connection follower,
                                                       @TempDir Path bundleDir) throws Exception {
            String password = password(cluster.jdbcUrl());
            assertFalse(password.isEmpty(), cluster.jdbcUrl());
            for (MySqlPod pod : cluster.pods()) {
                assertEquals(password, password(pod.jdbcUrl()), "one password per cluster");
                SQLException refused = assertThrows(SQLException.class,
                        () -> DriverManager.getConnection(pod.jdbcUrl().replace("password=" + password, "password=")),
                        pod.name() + " let root in without its password");
                assertEquals(1045, refused.getErrorCode(), refused.getMessage());
                try (Connection byUrl = DriverManager.getConnection(pod.jdbcUrl()); Connection handed = pod.connection();
                     Connection pooled = pod.dataSource().getConnection()) {
                    for (Connection c : List.of(byUrl, handed, pooled)) {
                        assertTrue(value(c, "SELECT CURRENT_USER()").startsWith("root@"), pod.name());
                    }
                }
            }
            for (String url : List.of(cluster.jdbcUrl(), cluster.readJdbcUrl(), cluster.replicationJdbcUrl())) {
                try (Connection c = DriverManager.getConnection(url)) {
                    assertTrue(value(c, "SELECT CURRENT_USER()").startsWith("root@"), url);
                }
            }
            try (Connection read = cluster.readConnection()) {
                assertTrue(value(read, "SELECT CURRENT_USER()").startsWith("root@"));
            }
            assertEquals("1", value(follower, "SELECT @@read_only"), "the @Ordinal(1) connection reaches mysql-1");

            try (Connection leader = cluster.leader().connection(); Statement statement = leader.createStatement()) {
                statement.execute("CREATE DATABASE written_with_a_root_password");
            }
            cluster.awaitReplicationCaughtUp();
            for (MySqlPod pod : cluster.followers()) {
                try (Connection c = pod.connection()) {
                    assertEquals("written_with_a_root_password",
                            value(c, "SHOW DATABASES LIKE 'written_with_a_root_password'"), pod.name());
                }
                assertTrue(cluster.replicaStatus(pod.ordinal()).ioRunning(), cluster.replicaStatus(pod.ordinal()).summary());
            }

            cluster.ledger().start(2);
            // not a fixed sleep: the ledger's clients, logging in with root's password, have written on the leader
            Awaitility.await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
                try (Connection leader = cluster.leader().connection()) {
                    return Long.parseLong(value(leader, "SELECT COUNT(*) FROM mysqlsts_ledger.writes")) >= 10;
                }
            });
            LedgerReport report = cluster.ledger().stop();
            assertTrue(report.acknowledged() > 0, "the ledger's clients wrote nothing: " + report);
            report.assertNoAcknowledgedWriteLost();

            List<String> showing = commandLinesContaining(password);
            assertEquals(List.of(), showing, "command lines that show root's password");

            Path bundle = cluster.exportReproduction(bundleDir);
            try (Stream<Path> files = Files.walk(bundle)) {
                for (Path file : files.filter(Files::isRegularFile).toList()) {
                    assertFalse(Files.readString(file, StandardCharsets.ISO_8859_1).contains(password),
                            file + " holds root's password");
                }
            }
            String readme = Files.readString(bundle.resolve("README.txt"));
            assertTrue(readme.contains("mysqlsts.rootPassword=random. Its password is\nreplaced"), readme);
        }

        @Test
        @Order(2)
        void promoteReplicatesWithRootsPassword(MySqlCluster cluster) throws Exception {
            cluster.promote(1);
            try (Connection writer = DriverManager.getConnection(cluster.jdbcUrl());
                 Statement statement = writer.createStatement()) {
                assertEquals("0", value(writer, "SELECT @@read_only"), "the writer endpoint reaches the new leader");
                statement.execute("CREATE DATABASE written_after_promote");
            }
            cluster.awaitReplicationCaughtUp();
            for (int ordinal : new int[] {0, 2}) {
                try (Connection c = cluster.pod(ordinal).connection()) {
                    assertEquals("written_after_promote", value(c, "SHOW DATABASES LIKE 'written_after_promote'"),
                            "mysql-" + ordinal + " replicates from the promoted mysql-1 as root with its password");
                }
            }
        }

        /** After the repair that follows promote: mysql-0 leads again and every follower replicates from it. */
        @Test
        @Order(3)
        void theRepairAfterPromotePutsMysql0BackAsTheSource(MySqlCluster cluster) throws Exception {
            assertEquals(0, cluster.leader().ordinal());
            try (Connection writer = DriverManager.getConnection(cluster.jdbcUrl());
                 Statement statement = writer.createStatement()) {
                statement.execute("CREATE DATABASE written_after_repair");
            }
            cluster.awaitReplicationCaughtUp();
            for (int ordinal : new int[] {1, 2}) {
                try (Connection c = cluster.pod(ordinal).connection()) {
                    assertEquals("written_after_repair", value(c, "SHOW DATABASES LIKE 'written_after_repair'"),
                            "mysql-" + ordinal);
                }
            }
        }
    }

    static String password(String url) {
        String query = url.substring(url.indexOf('?') + 1);
        return Stream.of(query.split("&")).filter(p -> p.startsWith("password=")).findFirst()
                .map(p -> p.substring("password=".length())).orElseThrow(() -> new AssertionError("no password in " + url));
    }

    static String value(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
            return rows.next() ? String.valueOf(rows.getString(1)) : "";
        }
    }

    /** The command lines of every process of the machine (what {@code ps} shows every user) that hold {@code secret}. */
    static List<String> commandLinesContaining(String secret) throws IOException {
        List<String> found = new ArrayList<>();
        try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
            for (Path process : processes.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).toList()) {
                try {
                    String line = new String(Files.readAllBytes(process.resolve("cmdline")), StandardCharsets.UTF_8)
                            .replace('\0', ' ');
                    if (line.contains(secret)) {
                        found.add(process.getFileName() + ": " + line);
                    }
                } catch (IOException ended) {
                    // the process ended meanwhile
                }
            }
        }
        return found;
    }
}
