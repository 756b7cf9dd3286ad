package dev.mysqlsts.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mysqlsts.Faults;
import dev.mysqlsts.MySqlCluster;
import dev.mysqlsts.MySqlPod;
import dev.mysqlsts.MySqlStatefulSet;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** Experiment: a follower killed with SIGKILL comes back with its old rows and catches up with the new ones. */
@MySqlStatefulSet
class FollowerCrashRecoveryTest {

    @Test
    void aKilledFollowerKeepsItsRowsAndCatchesUp(MySqlCluster cluster, Faults faults) throws SQLException {
        write(cluster.leader(), "CREATE DATABASE journal", "CREATE TABLE journal.entries (id INT PRIMARY KEY)",
                "INSERT INTO journal.entries VALUES (1), (2)");
        cluster.awaitReplicationCaughtUp();

        faults.kill(1);                                                    // SIGKILL, as an OOM kill would
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> !cluster.pod(1).isReady());
        write(cluster.leader(), "INSERT INTO journal.entries VALUES (3)"); // written while mysql-1 is down

        cluster.awaitReady();                                              // restarted on the same data
        cluster.awaitReplicationCaughtUp();
        assertEquals(3, count(cluster.pod(1)));
    }

    private static void write(MySqlPod pod, String... statements) throws SQLException {
        try (Connection connection = pod.connection(); Statement sql = connection.createStatement()) {
            for (String statement : statements) {
                sql.execute(statement);
            }
        }
    }

    private static long count(MySqlPod pod) throws SQLException {
        try (Connection connection = pod.connection(); Statement sql = connection.createStatement();
             ResultSet rows = sql.executeQuery("SELECT COUNT(*) FROM journal.entries")) {
            rows.next();
            return rows.getLong(1);
        }
    }
}
