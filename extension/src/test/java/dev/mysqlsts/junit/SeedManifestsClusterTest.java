package dev.mysqlsts.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mysqlsts.MySqlCluster;
import dev.mysqlsts.MySqlStatefulSet;
import dev.mysqlsts.Ordinal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/** The seed's own three YAML files, unchanged, run as a user's manifests directory (master.cnf / slave.cnf). */
@MySqlStatefulSet(manifests = "classpath:manifests-fixtures/seed")
class SeedManifestsClusterTest {

    @Test
    void theSeedsStatefulSetReplicatesAndItsFollowersAreReadOnly(MySqlCluster cluster, @Ordinal(0) Connection leader,
                                                                 @Ordinal(2) Connection follower) throws SQLException {
        assertEquals(3, cluster.replicas());
        try (Statement sql = leader.createStatement()) {
            sql.execute("CREATE DATABASE seeded");
        }
        cluster.awaitReplicationCaughtUp();
        try (Statement sql = follower.createStatement();
             ResultSet row = sql.executeQuery("SELECT @@server_id, @@read_only, @@log_bin, "
                     + "(SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = 'seeded')")) {
            row.next();
            assertEquals(102, row.getInt(1));
            assertEquals(1, row.getInt(2), "slave.cnf's super-read-only");
            assertEquals(0, row.getInt(3), "followers write no binlog: slave.cnf has no log-bin");
            assertEquals(1, row.getInt(4));
        }
        try (Statement sql = leader.createStatement(); ResultSet row = sql.executeQuery("SELECT @@log_bin, @@read_only")) {
            row.next();
            assertEquals(1, row.getInt(1), "master.cnf's log-bin");
            assertEquals(0, row.getInt(2));
        }
    }
}
