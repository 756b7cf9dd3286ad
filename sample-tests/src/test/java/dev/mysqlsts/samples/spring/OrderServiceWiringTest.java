package dev.mysqlsts.samples.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mysqlsts.MySqlCluster;
import dev.mysqlsts.MySqlPod;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.Set;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;

/**
 * No wiring in the class: the service's DataSource reaches the leader through the writer endpoint, its read-only
 * transactions the read endpoint, and the migrations Flyway ran at the context's start are on every follower.
 */
@OrdersServiceTest
class OrderServiceWiringTest {

    @Autowired
    OrderService orders;

    @Autowired
    DataSource dataSource;

    @Value("${mysqlsts.read-url}")
    String readUrl;

    @Test
    void writesReachTheLeaderAndTheMigrationsEveryFollower(MySqlCluster cluster) throws SQLException {
        long id = orders.placeOrder("ada", new BigDecimal("12.50"));

        try (Connection connection = dataSource.getConnection()) {
            assertEquals(serverId(cluster.leader()), single(connection, "SELECT @@server_id"));
        }
        cluster.awaitReplicationCaughtUp();
        String migrations = single(cluster.leader(), "SELECT COUNT(*) FROM shop.flyway_schema_history WHERE success = 1");
        for (MySqlPod follower : cluster.followers()) {
            assertEquals(migrations, single(follower, "SELECT COUNT(*) FROM shop.flyway_schema_history WHERE success = 1"),
                    follower.name() + " lacks a migration");
            assertEquals("ada", single(follower, "SELECT customer FROM shop.orders WHERE id = " + id));
        }
    }

    @Test
    void theReadUrlSpreadsNewConnectionsOverTheReadyPods(MySqlCluster cluster) throws SQLException {
        assertEquals(cluster.readJdbcUrl(), readUrl);
        Set<String> reached = new HashSet<>();
        for (int i = 0; i < 6; i++) {
            try (Connection connection = DriverManager.getConnection(readUrl)) {
                reached.add(single(connection, "SELECT @@server_id"));
            }
        }
        Set<String> followers = new HashSet<>();
        for (MySqlPod follower : cluster.followers()) {
            followers.add(serverId(follower));
        }
        followers.retainAll(reached);
        assertTrue(!followers.isEmpty(), "6 connections to the read URL reached the servers " + reached + ", no follower");
    }

    private static String serverId(MySqlPod pod) throws SQLException {
        return single(pod, "SELECT @@server_id");
    }

    static String single(MySqlPod pod, String query) throws SQLException {
        try (Connection connection = pod.connection()) {
            return single(connection, query);
        }
    }

    static String single(Connection connection, String query) throws SQLException {
        try (ResultSet rs = connection.createStatement().executeQuery(query)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
