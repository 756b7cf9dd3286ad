package dev.mysqlsts.samples.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mysqlsts.Backend;
import dev.mysqlsts.Faults;
import dev.mysqlsts.MySqlCluster;
import dev.mysqlsts.MySqlPod;
import dev.mysqlsts.MySqlStatefulSet;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Experiments on an application's pool configured with the cluster's writer endpoint, {@code cluster.jdbcUrl()}: the
 * one address a service's config holds, whichever pod leads.
 */
// LOCAL: the fail-over test uses promote(n), which restarts one pod with the leader's config; a StatefulSet cannot
// (on K3S it throws), and there the writer endpoint always reaches mysql-0
@MySqlStatefulSet(replicas = 2, backend = Backend.LOCAL)
class PooledApplicationTest {

    @BeforeAll
    static void schema(MySqlCluster cluster) throws SQLException {
        try (Connection leader = cluster.leader().connection(); Statement sql = leader.createStatement()) {
            sql.execute("CREATE DATABASE shop");
            sql.execute(OrderService.SCHEMA);
        }
    }

    @Test
    void theRetrySurvivesALoadBalancerResettingEveryConnection(MySqlCluster cluster, Faults faults)
            throws SQLException {
        try (OrderService orders = new OrderService(cluster.jdbcUrl())) {
            orders.place(1, () -> faults.client(0).reset()); // every connection to mysql-0 reset mid-transaction

            assertEquals(2, orders.attempts(1), "the first attempt's connection was reset; the retry got a new one");
            assertEquals(1, count(cluster.leader(), "SELECT COUNT(*) FROM shop.orders WHERE id = 1"));
        }
    }

    @Test
    void theApplicationsSocketTimeoutTurnsABlackholedLeaderIntoAnError(MySqlCluster cluster, Faults faults)
            throws SQLException {
        try (OrderService orders = new OrderService(cluster.jdbcUrl() + "&socketTimeout=2000")) {
            orders.place(2);
            faults.client(0).blackhole(); // the leader's answers stop; replication between the pods is untouched

            long started = System.nanoTime();
            SQLException error = assertTimeoutPreemptively(Duration.ofSeconds(60),
                    () -> assertThrows(SQLException.class, () -> orders.place(3)), "the application hangs");
            long millis = (System.nanoTime() - started) / 1_000_000;
            assertTrue(millis >= 2_000, "it gave up after " + millis + " ms, before its socket timeout: " + error);
        }
    }

    @Test
    void afterAFailOverTheNextWriteLandsOnTheNewLeader(MySqlCluster cluster) throws SQLException {
        try (OrderService orders = new OrderService(cluster.jdbcUrl())) {
            assertEquals(serverId(cluster.pod(0)), orders.place(4));

            cluster.promote(1);

            assertEquals(serverId(cluster.pod(1)), orders.place(5), "the writer endpoint follows the promotion");
            assertEquals(1, count(cluster.pod(1), "SELECT COUNT(*) FROM shop.orders WHERE id = 5"));
        }
    }

    private static int serverId(MySqlPod pod) throws SQLException {
        return (int) count(pod, "SELECT @@server_id");
    }

    private static long count(MySqlPod pod, String query) throws SQLException {
        try (Connection connection = pod.connection(); Statement sql = connection.createStatement();
             ResultSet row = sql.executeQuery(query)) {
            row.next();
            return row.getLong(1);
        }
    }
}
