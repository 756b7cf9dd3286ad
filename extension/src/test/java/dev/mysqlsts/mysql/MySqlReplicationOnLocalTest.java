package dev.mysqlsts.mysql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mysqlsts.Backend;
import dev.mysqlsts.Faults;
import dev.mysqlsts.MySqlCluster;
import dev.mysqlsts.MySqlStatefulSet;
import dev.mysqlsts.ReplicaStatus;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

/**
 * The bundled manifests (file and position replication, super-read-only followers) on a real MySQL 8.0/8.4 mysqld on
 * LOCAL. Runs where the server chosen is MySQL: {@code -Dmysqlsts.server=/usr/sbin/mysqld}, as
 * .github/workflows/mysql8.yml does on GitHub's ubuntu-24.04 runner; skipped elsewhere (MySQL cannot be installed on
 * the machines this project is built on).
 */
@EnabledIf(value = "dev.mysqlsts.local.MySqlOnHost#chosen", disabledReason = "no MySQL 8.0/8.4 mysqld chosen on this "
        + "host (run with -Dmysqlsts.server=/usr/sbin/mysqld where MySQL is installed; .github/workflows/mysql8.yml does)")
@MySqlStatefulSet(replicas = 3, backend = Backend.LOCAL)
class MySqlReplicationOnLocalTest {

    /** MySQL's ER_OPTION_PREVENTS_STATEMENT: "The MySQL server is running with the --super-read-only option". */
    static final int OPTION_PREVENTS_STATEMENT = 1290;

    @Test
    void everyPodIsMySql(MySqlCluster cluster) throws SQLException {
        for (var pod : cluster.pods()) {
            String version = single(pod.connection(), "SELECT VERSION()");
            assertTrue(version.startsWith("8.") && !version.contains("MariaDB"), pod.name() + " runs " + version);
        }
    }

    @Test
    void aRowWrittenOnTheLeaderIsReadOnTheLastFollower(MySqlCluster cluster) throws SQLException {
        try (Connection leader = cluster.pod(0).connection(); Statement sql = leader.createStatement()) {
            sql.execute("CREATE DATABASE IF NOT EXISTS shop");
            sql.execute("CREATE TABLE IF NOT EXISTS shop.orders (id INT PRIMARY KEY, item VARCHAR(20))");
            sql.execute("REPLACE INTO shop.orders VALUES (1, 'book')");
        }
        cluster.awaitReplicationCaughtUp();

        try (Connection follower = cluster.pod(2).connection()) {
            assertEquals("book", single(follower, "SELECT item FROM shop.orders WHERE id = 1"));
        }
        ReplicaStatus status = cluster.replicaStatus(2);
        assertTrue(status.ioRunning() && status.sqlRunning(), status.summary());
    }

    @Test
    void followersRefuseRootsWritesWithSuperReadOnlysError(MySqlCluster cluster) throws SQLException {
        for (int ordinal = 1; ordinal < cluster.replicas(); ordinal++) {
            try (Connection follower = cluster.pod(ordinal).connection(); Statement sql = follower.createStatement()) {
                SQLException refused = assertThrows(SQLException.class, () -> sql.execute("CREATE DATABASE rogue"));
                assertEquals(OPTION_PREVENTS_STATEMENT, refused.getErrorCode(), refused.getMessage());
                assertTrue(refused.getMessage().contains("super-read-only"), refused.getMessage());
            }
        }
    }

    @Test
    void aKilledFollowerCatchesUp(MySqlCluster cluster, Faults faults) throws SQLException {
        try (Connection leader = cluster.pod(0).connection(); Statement sql = leader.createStatement()) {
            sql.execute("CREATE DATABASE IF NOT EXISTS crash");
            sql.execute("CREATE TABLE IF NOT EXISTS crash.t (id INT PRIMARY KEY)");
        }
        faults.kill(1);
        try (Connection leader = cluster.pod(0).connection(); Statement sql = leader.createStatement()) {
            for (int id = 1; id <= 50; id++) {
                sql.execute("REPLACE INTO crash.t VALUES (" + id + ")");
            }
        }
        cluster.awaitReady();
        cluster.awaitReplicationCaughtUp();

        try (Connection follower = cluster.pod(1).connection()) {
            assertEquals("50", single(follower, "SELECT COUNT(*) FROM crash.t"));
        }
        cluster.assertConsistent();
    }

    @Test
    void promotionIsRefusedWithTheReason(MySqlCluster cluster) {
        UnsupportedOperationException refused = assertThrows(UnsupportedOperationException.class, () -> cluster.promote(1));
        assertTrue(refused.getMessage().contains("gtid_mode OFF") || refused.getMessage().contains("MariaDB servers only"),
                refused.getMessage());
    }

    static String single(Connection connection, String query) throws SQLException {
        try (connection; Statement sql = connection.createStatement(); ResultSet rows = sql.executeQuery(query)) {
            rows.next();
            return rows.getString(1);
        }
    }
}
