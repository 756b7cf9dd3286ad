package dev.mysqlsts.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.mysqlsts.MySqlCluster;
import dev.mysqlsts.MySqlPod;
import dev.mysqlsts.MySqlStatefulSet;
import dev.mysqlsts.Ordinal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/** Experiment: every pod has the identity its ordinal gives it, and followers refuse writes. */
@MySqlStatefulSet(replicas = 3)
class ServerIdentityAndReadOnlyFollowersTest {

    /** MySQL's error 1290: the server runs with --read-only (or super-read-only). */
    private static final int READ_ONLY_ERROR = 1290;

    @Test
    void serverIdsAre100PlusTheOrdinal(MySqlCluster cluster) throws SQLException {
        for (MySqlPod pod : cluster.pods()) {
            try (Connection connection = pod.connection(); Statement sql = connection.createStatement();
                 ResultSet row = sql.executeQuery("SELECT @@server_id")) {
                row.next();
                assertEquals(100 + pod.ordinal(), row.getInt(1), pod.name());
            }
        }
    }

    @Test
    void podsAreNamedAfterTheStatefulSet(MySqlCluster cluster) {
        assertEquals("mysql-0", cluster.leader().name());
        assertEquals("mysql-2", cluster.pod(2).name());
    }

    @Test
    void aWriteOnAFollowerFailsWithTheReadOnlyError(@Ordinal(0) Connection leader, @Ordinal(1) Connection follower)
            throws SQLException {
        try (Statement sql = leader.createStatement()) {
            sql.execute("CREATE DATABASE IF NOT EXISTS inventory");
        }

        SQLException refused = assertThrows(SQLException.class, () -> {
            try (Statement sql = follower.createStatement()) {
                sql.execute("CREATE TABLE inventory.items (id INT PRIMARY KEY)");
            }
        });

        assertEquals(READ_ONLY_ERROR, refused.getErrorCode(), refused.getMessage());
    }
}
