package dev.mysqlsts.samples.k3s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.mysqlsts.Backend;
import dev.mysqlsts.MySqlCluster;
import dev.mysqlsts.MySqlPod;
import dev.mysqlsts.MySqlStatefulSet;
import dev.mysqlsts.Ordinal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/**
 * Experiment, on real Kubernetes (k3s in Docker): each pod's server-id is 100 plus its ordinal (the init
 * container derives it from the hostname), and followers refuse writes, even from root, because the
 * ConfigMap gives them {@code super-read-only}.
 */
@RequiresDocker
@MySqlStatefulSet(replicas = 3, backend = Backend.K3S)
class ServerIdentityAndReadOnlyFollowersOnK3sTest {

    /** MySQL's error 1290: the server runs with --super-read-only (or --read-only). */
    private static final int READ_ONLY_ERROR = 1290;

    @Test
    void serverIdsAre100To102(MySqlCluster cluster) throws SQLException {
        for (MySqlPod pod : cluster.pods()) {
            try (Connection connection = pod.connection(); Statement sql = connection.createStatement();
                 ResultSet row = sql.executeQuery("SELECT @@server_id")) {
                row.next();
                assertEquals(100 + pod.ordinal(), row.getInt(1), pod.name());
            }
        }
    }

    @Test
    void aWriteOnOrdinalOneFailsWithTheReadOnlyError(MySqlCluster cluster, @Ordinal(0) Connection leader,
                                                     @Ordinal(1) Connection follower) throws SQLException {
        try (Statement sql = leader.createStatement()) {
            sql.execute("CREATE DATABASE IF NOT EXISTS inventory");
        }
        cluster.awaitReplicationCaughtUp();

        SQLException refused = assertThrows(SQLException.class, () -> {
            try (Statement sql = follower.createStatement()) {
                sql.execute("CREATE TABLE inventory.items (id INT PRIMARY KEY)");
            }
        });

        assertEquals(READ_ONLY_ERROR, refused.getErrorCode(), refused.getMessage());
    }
}
