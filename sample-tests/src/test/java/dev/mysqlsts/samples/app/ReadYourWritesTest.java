package dev.mysqlsts.samples.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mysqlsts.Faults;
import dev.mysqlsts.MySqlCluster;
import dev.mysqlsts.MySqlStatefulSet;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Experiment: an application that writes through the writer endpoint and reads its own write back through the
 * read Service ({@code cluster.readJdbcUrl()}, the seed's {@code mysql-read}) shows a stale page whenever the read
 * lands on a lagging follower. Replication on a quiet test cluster is too fast to show it; a delayed replica does.
 */
@MySqlStatefulSet(replicas = 3)
class ReadYourWritesTest {

    @Test
    void aReadThroughTheReadServiceRightAfterAWriteMissesIt(MySqlCluster cluster, Faults faults) throws SQLException {
        try (Connection leader = cluster.leader().connection(); Statement sql = leader.createStatement()) {
            sql.execute("CREATE DATABASE IF NOT EXISTS shop");
            sql.execute(OrderService.SCHEMA);
        }
        cluster.awaitReplicationCaughtUp();
        faults.delayReplication(1, Duration.ofSeconds(5));
        faults.delayReplication(2, Duration.ofSeconds(5));

        try (OrderService orders = new OrderService(cluster.jdbcUrl())) {
            orders.place(7);
        }
        int stale = 0;
        for (int page = 0; page < 3; page++) { // each new connection goes to the next Ready pod
            if (ordersWithId(cluster.readJdbcUrl(), 7) == 0) {
                stale++;
            }
        }

        assertTrue(stale > 0, "the read-your-writes bug: a read through mysql-read right after the write misses it");
        assertEquals(1, ordersWithId(cluster.jdbcUrl(), 7), "the fix: read your own writes from the writer endpoint");
    }

    private static long ordersWithId(String url, long id) throws SQLException {
        try (Connection connection = DriverManager.getConnection(url); Statement sql = connection.createStatement();
             ResultSet row = sql.executeQuery("SELECT COUNT(*) FROM shop.orders WHERE id = " + id)) {
            row.next();
            return row.getLong(1);
        }
    }
}
