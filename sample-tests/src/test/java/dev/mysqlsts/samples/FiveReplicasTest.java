package dev.mysqlsts.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mysqlsts.MySqlCluster;
import dev.mysqlsts.MySqlPod;
import dev.mysqlsts.MySqlStatefulSet;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/** Experiment: the annotation scales the manifest's StatefulSet to five pods, and all five replicate. */
@MySqlStatefulSet(replicas = 5)
class FiveReplicasTest {

    @Test
    void everyOneOfFiveOrdinalsHasTheLeadersRows(MySqlCluster cluster) throws SQLException {
        assertEquals(5, cluster.replicas());
        try (Connection leader = cluster.leader().connection(); Statement sql = leader.createStatement()) {
            sql.execute("CREATE DATABASE metrics");
            sql.execute("CREATE TABLE metrics.samples (id INT PRIMARY KEY)");
            sql.execute("INSERT INTO metrics.samples VALUES (1), (2), (3)");
        }

        cluster.awaitReplicationCaughtUp();

        for (MySqlPod pod : cluster.pods()) {
            try (Connection connection = pod.connection(); Statement sql = connection.createStatement();
                 ResultSet count = sql.executeQuery("SELECT COUNT(*) FROM metrics.samples")) {
                count.next();
                assertEquals(3, count.getInt(1), pod.name() + " should have the leader's three rows");
            }
        }
    }
}
