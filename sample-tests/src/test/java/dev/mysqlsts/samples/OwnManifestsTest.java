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

/**
 * Experiment: a team's own manifests (StatefulSet {@code orders-db}, headless Service {@code orders},
 * two replicas, their own ConfigMap) give a cluster of that name and size.
 */
@MySqlStatefulSet(manifests = "classpath:manifests/orders-db")
class OwnManifestsTest {

    @Test
    void theClusterHasTheNamesAndSizeOfTheManifests(MySqlCluster cluster) {
        assertEquals(2, cluster.replicas());
        assertEquals("orders-db-0", cluster.leader().name());
        assertEquals("orders-db-1", cluster.pod(1).name());
    }

    @Test
    void theConfigMapsSettingsReachTheServers(MySqlCluster cluster) throws SQLException {
        // The team's leader config sets a 1 MiB max_allowed_packet, their follower config 2 MiB.
        assertEquals(1024 * 1024, maxAllowedPacket(cluster.leader()));
        assertEquals(2 * 1024 * 1024, maxAllowedPacket(cluster.pod(1)));
    }

    private static long maxAllowedPacket(MySqlPod pod) throws SQLException {
        try (Connection connection = pod.connection(); Statement sql = connection.createStatement();
             ResultSet row = sql.executeQuery("SELECT @@max_allowed_packet")) {
            row.next();
            return row.getLong(1);
        }
    }
}
