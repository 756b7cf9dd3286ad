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

    /** The redo log through the page cache, fsynced once a second (as MariaDB starts at flush=2); no binlog fsync. */
    private static final List<String> UNSYNCED = List.of("SET GLOBAL innodb_log_file_buffering = ON",
            "SET GLOBAL innodb_flush_log_at_trx_commit = 2", "SET GLOBAL sync_binlog = 0");
    /** The same buffered redo log, now fsynced at each commit, and the binary log too. */
    private static final List<String> FSYNCED = List.of("SET GLOBAL innodb_log_file_buffering = ON",
            "SET GLOBAL innodb_flush_log_at_trx_commit = 1", "SET GLOBAL sync_binlog = 1");

    @Test
    void aPowerCutTakesBackCommitsThatWereNotFsynced(MySqlCluster cluster, Faults faults) throws Exception {
        Outcome rows = commitThen(cluster, UNSYNCED, faults::powerCut);

        assertTrue(rows.after < rows.before + rows.acknowledged, "a power cut after " + rows.acknowledged
                + " acknowledged commits that were not all fsynced kept every one of them");
        assertTrue(rows.after >= rows.before, "rows committed before the test, fsynced since, were lost");
        FaultEvent cut = faults.history().get(0);
        assertEquals(List.of("powerCut", List.of(0)), List.of(cut.kind(), cut.ordinals()));
        Awaitility.await("the power cut ends when the pod is Ready again").atMost(Duration.ofSeconds(10))
                .until(() -> faults.history().get(0).ended() != null);
    }

    @Test
    void killAllKeepsWhatWasNotFsyncedBecauseThePageCacheSurvives(MySqlCluster cluster, Faults faults)
            throws Exception {
        Outcome rows = commitThen(cluster, UNSYNCED, faults::killAll);

        assertEquals(rows.before + rows.acknowledged, rows.after);
    }

    @Test
    void aPowerCutKeepsEveryCommitThatWasFsynced(MySqlCluster cluster, Faults faults) throws Exception {
        Outcome rows = commitThen(cluster, FSYNCED, faults::powerCut);

        assertEquals(rows.before + rows.acknowledged, rows.after,
                "a commit acknowledged with sync_binlog=1 and innodb_flush_log_at_trx_commit=1 was lost");
    }

    /** The leader's rows before, the commits acknowledged, and the rows once it is Ready again after the fault. */
    private record Outcome(long before, int acknowledged, long after) {
    }

    /** Sets the globals, inserts {@value #ROWS} rows one commit each, injects the fault, awaits the pod. */
    private static Outcome commitThen(MySqlCluster cluster, List<String> settings, Runnable fault) throws SQLException {
        MySqlPod pod = cluster.leader();
        long before = count(pod, "power.rows_");
        execute(pod, settings.toArray(String[]::new));
        int acknowledged = 0;
        try (Connection connection = pod.connection(); Statement sql = connection.createStatement()) {
            for (long id = before; id < before + ROWS; id++) {
                sql.executeUpdate("INSERT INTO power.rows_ VALUES (" + id + ")");
                acknowledged++;
            }
        }
        fault.run();
        cluster.awaitReady();
        return new Outcome(before, acknowledged, count(cluster.leader(), "power.rows_"));
    }
}
