package dev.mysqlsts.samples.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mysqlsts.Faults;
import dev.mysqlsts.Ledger;
import dev.mysqlsts.LedgerReport;
import dev.mysqlsts.MySqlCluster;
import dev.mysqlsts.MySqlStatefulSet;
import dev.mysqlsts.ReplicaStatus;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Set;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chaos experiment with a verdict: a follower is killed (SIGKILL) again and again while the ledger writes.
 * <p>
 * Why it breaks: the manifests' sidecar replicates by binlog file and position, and the follower records the
 * position it has applied in {@code relay-log.info}, a file written after the transaction commits, not inside it. A
 * crash between the two makes the restarted follower apply the last transactions again. The ledger's table has no
 * unique key, so a transaction applied twice shows as a duplicate ({@code duplicated()}); a table with one stops the
 * follower's SQL thread with error 1062 instead (see {@link FollowerCrashUnderContinuousWritesTest}); a crash can
 * also cut the relay log in the middle of a transaction and stop it with error 1594 or 1866. Any of these is the
 * finding. Whether a given kill hits the window is chance: the experiment kills up to {@value #MAX_KILLS} times and,
 * if no symptom showed, fails saying so rather than passing. Being chance, it is tagged {@code chaos-long} and runs only
 * with {@code -Pchaos-long}.
 */
@Tag("chaos-long")
@MySqlStatefulSet(replicas = 3)
class FilePositionReplicationIsNotCrashSafeTest {

    private static final Logger LOG = LoggerFactory.getLogger(FilePositionReplicationIsNotCrashSafeTest.class);
    private static final int MAX_KILLS = 30;

    @Test
    void aFollowerKilledUnderLoadAppliesTransactionsTwiceOrStops(Ledger ledger, Faults faults, MySqlCluster cluster)
            throws SQLException {
        ledger.start(4);
        awaitApplying(cluster, 20);
        String symptom = null;
        int kills = 0;
        while (symptom == null && kills < MAX_KILLS) {
            faults.kill(2);
            kills++;
            cluster.awaitReady();
            awaitApplying(cluster, 10);
            symptom = symptom(cluster);
        }
        LedgerReport report = ledger.stop();
        LOG.info("after {} kills of mysql-2: {}; verdict: {}", kills, symptom, report);

        assertNotNull(symptom, "no symptom within " + MAX_KILLS + " kills of mysql-2 under load: this run did not "
                + "reproduce the weakness (each kill has a small chance to land between a commit and the position "
                + "update); verdict: " + report);
        assertTrue(!report.duplicated().isEmpty() || report.notCaughtUp().containsKey("mysql-2"),
                "the verdict shows it: " + report);
        assertEquals(Set.of(), report.lost(), "the leader was never touched: " + report);

        // the way out of a follower whose data or replication the crash damaged: clone it again
        cluster.rebuild(2);
    }

    /** Waits until mysql-2 applied some more ledger rows, or stopped replicating. */
    private static void awaitApplying(MySqlCluster cluster, long more) throws SQLException {
        long rows = Sql.count(cluster.pod(2), "mysqlsts_ledger.writes");
        Awaitility.await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() ->
                Sql.count(cluster.pod(2), "mysqlsts_ledger.writes") >= rows + more
                        || cluster.replicaStatus(2).lastSqlErrno() != 0);
    }

    /** What the crash did to mysql-2, if anything yet. */
    private static String symptom(MySqlCluster cluster) throws SQLException {
        ReplicaStatus status = cluster.replicaStatus(2);
        if (status.lastSqlErrno() != 0) {
            return "SQL thread stopped: " + status.summary();
        }
        // the counter is bumped in the same transaction as each insert: more bumps than ids = applied twice
        long twice = Long.parseLong(Sql.single(cluster.pod(2), "SELECT (SELECT n FROM mysqlsts_ledger.counter) - "
                + "(SELECT COUNT(DISTINCT id) FROM mysqlsts_ledger.writes)"));
        return twice > 0 ? twice + " transactions applied twice" : null;
    }
}
