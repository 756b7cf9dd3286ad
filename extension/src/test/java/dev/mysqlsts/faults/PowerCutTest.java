package dev.mysqlsts.faults;

import static dev.mysqlsts.faults.Rows.count;
import static dev.mysqlsts.faults.Rows.execute;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mysqlsts.FaultEvent;
import dev.mysqlsts.Faults;
import dev.mysqlsts.MySqlCluster;
import dev.mysqlsts.MySqlPod;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * faults.powerCut() on a real server: what it had not fsynced is gone after the restart, what it had is kept, and
 * killAll() with the same settings keeps everything (the page cache survives a crash).
 */
@dev.mysqlsts.MySqlStatefulSet(replicas = 1)
@Timeout(180)
class PowerCutTest {

    private static final int ROWS = 3000;

    @BeforeAll
    static void schema(MySqlCluster cluster) throws SQLException {
        execute(cluster.leader(), "CREATE DATABASE power", "CREATE TABLE power.rows_ (id INT PRIMARY KEY)");
    }

    @Test
    void aPowerCutTakesBackCommitsThatWereNotFsynced(MySqlCluster cluster, Faults faults) throws Exception {
        long before = count(cluster.leader(), "power.rows_");
        // the redo log through the page cache, fsynced once a second (MariaDB: innodb_log_file_buffering is what
        // innodb_flush_log_at_trx_commit=2 switches on at startup), the binary log never fsynced
        int acknowledged = insert(cluster.leader(), before, "SET GLOBAL innodb_log_file_buffering = ON",
                "SET GLOBAL innodb_flush_log_at_trx_commit = 2", "SET GLOBAL sync_binlog = 0");
        faults.powerCut();
        cluster.awaitReady();

        long after = count(cluster.leader(), "power.rows_");
        assertTrue(after < before + acknowledged, "a power cut after " + acknowledged + " acknowledged commits that "
                + "were not all fsynced kept every one of them (" + (after - before) + ")");
        assertTrue(after >= before, "rows committed before the test, fsynced by the restarts since, were lost too");
        FaultEvent cut = faults.history().get(0);
        assertEquals(List.of("powerCut", List.of(0)), List.of(cut.kind(), cut.ordinals()));
        Awaitility.await("the power cut ends when the pod is Ready again").atMost(Duration.ofSeconds(10))
                .until(() -> faults.history().get(0).ended() != null);
    }

    @Test
    void killAllKeepsWhatWasNotFsyncedBecauseThePageCacheSurvives(MySqlCluster cluster, Faults faults) throws Exception {
        long before = count(cluster.leader(), "power.rows_");
        int acknowledged = insert(cluster.leader(), before, "SET GLOBAL innodb_log_file_buffering = ON",
                "SET GLOBAL innodb_flush_log_at_trx_commit = 2", "SET GLOBAL sync_binlog = 0");
        faults.killAll();
        cluster.awaitReady();

        assertEquals(before + acknowledged, count(cluster.leader(), "power.rows_"));
    }

    @Test
    void aPowerCutKeepsEveryCommitThatWasFsynced(MySqlCluster cluster, Faults faults) throws Exception {
        long before = count(cluster.leader(), "power.rows_");
        // the same buffered redo log, now fsynced at each commit, and the binary log too
        int acknowledged = insert(cluster.leader(), before, "SET GLOBAL innodb_log_file_buffering = ON",
                "SET GLOBAL innodb_flush_log_at_trx_commit = 1", "SET GLOBAL sync_binlog = 1");
        faults.powerCut();
        cluster.awaitReady();

        assertEquals(before + acknowledged, count(cluster.leader(), "power.rows_"),
                "a commit acknowledged with sync_binlog=1 and innodb_flush_log_at_trx_commit=1 was lost");
    }

    /** Sets the globals, then inserts {@value #ROWS} rows one commit each; returns how many were acknowledged. */
    private static int insert(MySqlPod pod, long first, String... settings) throws SQLException {
        execute(pod, settings);
        int acknowledged = 0;
        try (Connection connection = pod.connection(); Statement sql = connection.createStatement()) {
            for (long id = first; id < first + ROWS; id++) {
                sql.executeUpdate("INSERT INTO power.rows_ VALUES (" + id + ")");
                acknowledged++;
            }
        }
        return acknowledged;
    }
}
