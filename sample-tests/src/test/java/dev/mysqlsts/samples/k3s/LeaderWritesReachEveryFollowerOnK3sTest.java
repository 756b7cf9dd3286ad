package dev.mysqlsts.samples.k3s;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mysqlsts.Backend;
import dev.mysqlsts.MySqlCluster;
import dev.mysqlsts.MySqlStatefulSet;
import dev.mysqlsts.Ordinal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/**
 * Experiment, on real Kubernetes (k3s in Docker): a row written on the leader (ordinal 0) can be read on
 * every follower. The followers cloned their data from the previous ordinal with xtrabackup and replicate
 * from {@code mysql-0.mysql}, as the manifests' init container and sidecar do it.
 */
@RequiresDocker
@MySqlStatefulSet(replicas = 3, backend = Backend.K3S)
class LeaderWritesReachEveryFollowerOnK3sTest {

    @Test
    void rowWrittenOnOrdinalZeroIsReadOnOrdinalsOneAndTwo(MySqlCluster cluster,
                                                          @Ordinal(0) Connection leader,
                                                          @Ordinal(1) Connection follower1,
                                                          @Ordinal(2) Connection follower2) throws SQLException {
        try (Statement sql = leader.createStatement()) {
            sql.execute("CREATE DATABASE shop");
            sql.execute("CREATE TABLE shop.orders (id INT PRIMARY KEY, item VARCHAR(40))");
            sql.execute("INSERT INTO shop.orders VALUES (1, 'kettle')");
        }

        cluster.awaitReplicationCaughtUp();

        assertEquals("kettle", itemOfOrderOne(follower1));
        assertEquals("kettle", itemOfOrderOne(follower2));
    }

    private static String itemOfOrderOne(Connection connection) throws SQLException {
        try (Statement sql = connection.createStatement();
             ResultSet rows = sql.executeQuery("SELECT item FROM shop.orders WHERE id = 1")) {
            return rows.next() ? rows.getString(1) : null;
        }
    }
}
