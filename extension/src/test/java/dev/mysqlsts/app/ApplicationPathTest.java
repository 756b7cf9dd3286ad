package dev.mysqlsts.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mysqlsts.FaultEvent;
import dev.mysqlsts.Faults;
import dev.mysqlsts.MySqlCluster;
import dev.mysqlsts.MySqlPod;
import dev.mysqlsts.MySqlStatefulSet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The application's path: the writer, read and replication URLs, and the faults on the connections from the
 * application to one pod ({@code faults.client(n)}).
 */
@MySqlStatefulSet(replicas = 3)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ApplicationPathTest {

    private static final int MEGABYTE = 1_000_000;

    @BeforeAll
    static void schema(MySqlCluster cluster) throws SQLException {
        try (Connection leader = cluster.leader().connection(); Statement sql = leader.createStatement()) {
            sql.execute("CREATE DATABASE app");
            sql.execute("CREATE TABLE app.blobs (id INT PRIMARY KEY, body LONGBLOB)");
            sql.execute("INSERT INTO app.blobs VALUES (1, REPEAT('x', " + MEGABYTE + "))");
        }
        cluster.awaitReplicationCaughtUp();
    }

    @Test
    @Order(1)
    void theWriterEndpointReachesTheLeaderAndFollowsAPromotion(MySqlCluster cluster) throws SQLException {
        String url = cluster.jdbcUrl();
        assertEquals(serverId(cluster.pod(0)), serverId(url), "before the promotion: mysql-0");

        cluster.promote(1);

        assertEquals(url, cluster.jdbcUrl(), "one stable address for the cluster's life");
        assertEquals(serverId(cluster.pod(1)), serverId(url), "new connections go to the new leader mysql-1");
        try (Connection writer = DriverManager.getConnection(url); Statement sql = writer.createStatement()) {
            sql.execute("INSERT INTO app.blobs VALUES (2, 'after the promotion')"); // writable: no read-only follower
        }
    }

    @Test
    @Order(2)
    void theWriterEndpointFollowsTheRepairsHandBackToOrdinalZero(MySqlCluster cluster) throws SQLException {
        assertEquals(0, cluster.leader().ordinal(), "the repair handed the role back after the previous test");
        assertEquals(serverId(cluster.pod(0)), serverId(cluster.jdbcUrl()));
    }

    @Test
    @Order(3)
    void theReadEndpointSpreadsNewConnectionsOverTheReadyPodsOnly(MySqlCluster cluster, Faults faults)
            throws SQLException {
        faults.breakReadiness(2);
        Set<Integer> reached = new HashSet<>();
        for (int i = 0; i < 30; i++) {
            reached.add(serverId(cluster.readJdbcUrl()));
        }
        assertFalse(reached.contains(serverId(cluster.pod(2))), "mysql-2 fails its readiness probe: " + reached);
        assertEquals(Set.of(serverId(cluster.pod(0)), serverId(cluster.pod(1))), reached);
    }

    @Test
    @Order(4)
    void theReplicationUrlReadsFromAFollowerWhenReadOnly(MySqlCluster cluster) throws SQLException {
        Set<Integer> followers = Set.of(serverId(cluster.pod(1)), serverId(cluster.pod(2)));
        try (Connection connection = DriverManager.getConnection(cluster.replicationJdbcUrl())) {
            assertEquals(serverId(cluster.pod(0)), serverId(connection), "read-write: the leader");
            connection.setReadOnly(true);
            int reader = serverId(connection);
            assertTrue(followers.contains(reader), "read-only: a follower, not " + reader);
        }
    }

    @Test
    @Order(5)
    void clientLatencySlowsTheRoundTripToThatPodOnly(MySqlCluster cluster, Faults faults) throws SQLException {
        try (Connection delayed = cluster.pod(1).connection(); Connection other = cluster.pod(2).connection()) {
            faults.client(1).latency(Duration.ofMillis(300), Duration.ofMillis(50));
            long slow = roundTripMillis(delayed);
            long fast = roundTripMillis(other);
            assertTrue(slow >= 500, "each way delayed by at least 250 ms, yet the round trip took " + slow + " ms");
            assertTrue(fast < 500, "mysql-2's path has no delay, yet its round trip took " + fast + " ms");
        }
        assertEquals(List.of("client-latency"), kinds(faults));
    }

    @Test
    @Order(6)
    void aBlackholedLeaderFailsTheApplicationsQueryByItsSocketTimeoutNotAHang(MySqlCluster cluster, Faults faults)
            throws SQLException {
        String url = cluster.jdbcUrl() + "&socketTimeout=2000";
        try (Connection application = DriverManager.getConnection(url)) {
            faults.client(0).blackhole();
            long started = System.nanoTime();
            SQLException failure = assertTimeoutPreemptively(Duration.ofSeconds(30),
                    () -> assertThrows(SQLException.class, () -> roundTripMillis(application)));
            long millis = (System.nanoTime() - started) / 1_000_000;
            assertTrue(millis >= 2000, "failed after " + millis + " ms, before the socket timeout: " + failure);
            SQLException newConnection = assertTimeoutPreemptively(Duration.ofSeconds(30),
                    () -> assertThrows(SQLException.class, () -> DriverManager.getConnection(url)));
            assertTrue(String.valueOf(newConnection.getMessage()).contains("Communications link failure"),
                    "a new connection is accepted but hears no greeting: " + newConnection);
        }
        IllegalStateException named = assertThrows(IllegalStateException.class, () -> cluster.pod(0).connection());
        assertTrue(named.getMessage().contains("blackhole"), "the error names the fault: " + named.getMessage());
    }

    @Test
    @Order(7)
    void theBlackholeIsDrawnOnThePreviousTestsTimeline() throws IOException {
        Path timeline = Path.of("target", "mysqlsts", ApplicationPathTest.class.getName(),
                "aBlackholedLeaderFailsTheApplicationsQueryByItsSocketTimeoutNotAHang.html");
        assertTrue(Files.readString(timeline).contains("data-kind=\"client-blackhole\" data-pod=\"mysql-0\""),
                "the client-path fault is a band on mysql-0's lane of " + timeline.toAbsolutePath());
    }

    @Test
    @Order(8)
    void resetBreaksTheOpenConnectionsToThePodAndNotNewOnes(MySqlCluster cluster, Faults faults) throws SQLException {
        try (Connection perPod = cluster.pod(0).connection();
             Connection viaWriter = DriverManager.getConnection(cluster.jdbcUrl());
             Connection otherPod = cluster.pod(1).connection()) {
            faults.client(0).reset();
            assertThrows(SQLException.class, () -> roundTripMillis(perPod), "the per-pod connection was reset");
            assertThrows(SQLException.class, () -> roundTripMillis(viaWriter), "the writer endpoint's too");
            roundTripMillis(otherPod); // mysql-1's connections are not touched
        }
        try (Connection fresh = DriverManager.getConnection(cluster.jdbcUrl())) {
            roundTripMillis(fresh);
        }
        FaultEvent reset = faults.history().get(0);
        assertEquals("client-reset", reset.kind());
        assertTrue(reset.ended() != null, "a reset is one-shot: it ended as it was made");
    }

    @Test
    @Order(9)
    void refuseRefusesNewConnectionsAndKeepsTheOpenOnes(MySqlCluster cluster, Faults faults) throws SQLException {
        try (Connection open = DriverManager.getConnection(cluster.jdbcUrl())) {
            faults.client(0).refuse();
            roundTripMillis(open);
            assertThrows(SQLException.class, () -> DriverManager.getConnection(cluster.jdbcUrl()));
            IllegalStateException named = assertThrows(IllegalStateException.class, () -> cluster.pod(0).connection());
            assertTrue(named.getMessage().contains("refuse"), "the error names the fault: " + named.getMessage());
            roundTripMillis(open);
        }
    }

    @Test
    @Order(10)
    void aThinClientPathMakesAOneMegabyteReadTakeAtLeastThreeSeconds(MySqlCluster cluster, Faults faults)
            throws SQLException {
        try (Connection connection = cluster.pod(0).connection()) {
            faults.client(0).bandwidth(200_000);
            long started = System.nanoTime();
            assertEquals(MEGABYTE, blobLength(connection));
            long millis = (System.nanoTime() - started) / 1_000_000;
            assertTrue(millis >= 3000, "1 MB at 200 kB/s took " + millis + " ms");
        }
    }

    @Test
    @Order(11)
    void leavesEveryClientPathFaulty(Faults faults) {
        for (int n = 0; n < 3; n++) {
            faults.client(n).bandwidth(10_000);
            faults.client(n).latency(Duration.ofSeconds(2), Duration.ZERO);
        }
        faults.client(0).blackhole();
        faults.client(1).refuse();
    }

    @Test
    @Order(12)
    void theNextTestFindsEveryClientPathClear(MySqlCluster cluster, Faults faults) throws SQLException {
        assertEquals(List.of(), faults.history());
        List<String> urls = new ArrayList<>(List.of(cluster.jdbcUrl(), cluster.readJdbcUrl()));
        cluster.pods().stream().map(MySqlPod::jdbcUrl).forEach(urls::add);
        for (String url : urls) {
            try (Connection connection = DriverManager.getConnection(url + "&socketTimeout=5000")) {
                long started = System.nanoTime();
                assertEquals(MEGABYTE, blobLength(connection), url);
                long millis = (System.nanoTime() - started) / 1_000_000;
                assertTrue(millis < 2000, "1 MB through " + url + " took " + millis + " ms: a fault is left");
            }
        }
    }

    private static long roundTripMillis(Connection connection) throws SQLException {
        long started = System.nanoTime();
        try (Statement sql = connection.createStatement(); ResultSet row = sql.executeQuery("SELECT 1")) {
            row.next();
        }
        return (System.nanoTime() - started) / 1_000_000;
    }

    private static long blobLength(Connection connection) throws SQLException {
        try (Statement sql = connection.createStatement();
             ResultSet row = sql.executeQuery("SELECT body FROM app.blobs WHERE id = 1")) {
            row.next();
            return row.getBytes(1).length;
        }
    }

    private static int serverId(MySqlPod pod) throws SQLException {
        try (Connection connection = pod.connection()) {
            return serverId(connection);
        }
    }

    private static int serverId(String url) throws SQLException {
        try (Connection connection = DriverManager.getConnection(url)) {
            return serverId(connection);
        }
    }

    private static int serverId(Connection connection) throws SQLException {
        try (Statement sql = connection.createStatement(); ResultSet row = sql.executeQuery("SELECT @@server_id")) {
            row.next();
            return row.getInt(1);
        }
    }

    private static List<String> kinds(Faults faults) {
        return faults.history().stream().map(FaultEvent::kind).toList();
    }
}
