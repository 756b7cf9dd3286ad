package dev.mysqlsts.mysql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mysqlsts.Backend;
import dev.mysqlsts.Faults;
import dev.mysqlsts.MySqlCluster;
import dev.mysqlsts.MySqlStatefulSet;
import dev.mysqlsts.ReplicaStatus;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

/**
 * MySQL's GTID replication on LOCAL (fixture manifests-fixtures/mysql8-gtid: gtid_mode=ON, enforce_gtid_consistency=ON,
 * the sidecar's MASTER_AUTO_POSITION=1): the followers run {@code SOURCE_AUTO_POSITION=1} from the gtid_purged their
 * mysqldump clone set, a follower rebuilt from a follower that holds data catches up, and a killed one too. Runs
 * where the server chosen is MySQL (.github/workflows/mysql8.yml); skipped elsewhere.
 */
@EnabledIf(value = "dev.mysqlsts.local.MySqlOnHost#chosen", disabledReason = "no MySQL 8.0/8.4 mysqld chosen on this "
        + "host (run with -Dmysqlsts.server=/usr/sbin/mysqld where MySQL is installed; .github/workflows/mysql8.yml does)")
@MySqlStatefulSet(replicas = 3, backend = Backend.LOCAL,
        manifests = "classpath:manifests-fixtures/mysql8-gtid")
class MySqlGtidReplicationOnLocalTest {

    @Test
    void followersReplicateByAutoPositionAndARebuiltOneCatchesUp(MySqlCluster cluster, Faults faults) throws SQLException {
        try (Connection leader = cluster.pod(0).connection(); Statement sql = leader.createStatement()) {
            sql.execute("CREATE DATABASE IF NOT EXISTS bank");
            sql.execute("CREATE TABLE IF NOT EXISTS bank.accounts (id INT PRIMARY KEY, balance INT)");
            for (int id = 1; id <= 20; id++) {
                sql.execute("REPLACE INTO bank.accounts VALUES (" + id + ", 100)");
            }
        }
        cluster.awaitReplicationCaughtUp();
        for (int ordinal = 1; ordinal < cluster.replicas(); ordinal++) {
            ReplicaStatus status = cluster.replicaStatus(ordinal);
            assertTrue(status.usingGtid(), "SOURCE_AUTO_POSITION=1 on mysql-" + ordinal + ": " + status.summary());
        }

        cluster.rebuild(2); // cloned again, now with data: mysqldump --dump-replica --set-gtid-purged=ON from mysql-1
        faults.kill(1);
        try (Connection leader = cluster.pod(0).connection(); Statement sql = leader.createStatement()) {
            sql.execute("UPDATE bank.accounts SET balance = balance + 1");
        }
        cluster.awaitReady();
        cluster.awaitReplicationCaughtUp();

        for (int ordinal = 1; ordinal < cluster.replicas(); ordinal++) {
            assertEquals("2020", MySqlReplicationOnLocalTest.single(cluster.pod(ordinal).connection(),
                    "SELECT SUM(balance) FROM bank.accounts"), "mysql-" + ordinal);
            assertTrue(cluster.replicaStatus(ordinal).usingGtid(), cluster.replicaStatus(ordinal).summary());
        }
        cluster.assertConsistent();
    }
}
