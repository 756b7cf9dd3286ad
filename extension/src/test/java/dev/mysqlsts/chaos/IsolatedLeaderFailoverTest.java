package dev.mysqlsts.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mysqlsts.Faults;
import dev.mysqlsts.Ledger;
import dev.mysqlsts.LedgerReport;
import dev.mysqlsts.MySqlCluster;
import dev.mysqlsts.MySqlStatefulSet;
import dev.mysqlsts.cluster.StatefulSetCluster;
import dev.mysqlsts.replication.Sql;
import java.sql.SQLException;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The held-out experiment: an isolated leader keeps acknowledging writes that never reach a follower; promoting a
 * follower loses them, and the ledger says so.
 */
@MySqlStatefulSet(replicas = 3)
class IsolatedLeaderFailoverTest {

    @Test
    void anIsolatedLeaderReplacedByPromoteLosesAcknowledgedWrites(Ledger ledger, Faults faults, MySqlCluster cluster)
            throws SQLException {
        ledger.start(2);
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> Pods.ledgerRows(cluster.pod(1)) >= 20);
        faults.isolate(0);
        long atIsolation = Pods.ledgerRows(cluster.pod(0));
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> Pods.ledgerRows(cluster.pod(0)) >= atIsolation + 50);
        cluster.promote(1);
        long onNewLeader = Pods.ledgerRows(cluster.pod(1));
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> Pods.ledgerRows(cluster.pod(1)) >= onNewLeader + 20);
        LedgerReport report = ledger.stop();

        assertFalse(report.lost().isEmpty(), report.toString());
        assertTrue(report.acknowledged() > report.lost().size(), report.toString());
        assertTrue(report.divergent().get("mysql-0").containsAll(report.lost()),
                "the old leader holds what the new one lost: " + report);
        assertTrue(report.errantTransactions().containsKey("mysql-0"), report.toString());
        assertTrue(report.notCaughtUp().get("mysql-0").contains("isolate[0]"), report.toString());
        assertEquals(java.util.List.of(), report.splitBrain(), "the old leader was fenced before the promotion");
        AssertionError verdict = assertThrows(AssertionError.class, report::assertNoAcknowledgedWriteLost);
        assertTrue(verdict.getMessage().contains("missing on the leader mysql-1"), verdict.getMessage());
        assertTrue(verdict.getMessage().contains("by mysql-0") && verdict.getMessage().contains("isolate[0] since"),
                verdict.getMessage());

        forgetErrantTransactions(cluster);
    }

    /**
     * The old leader cannot follow the new one while it holds transactions the new one lacks (error 1236): make it
     * forget them and follow from the new leader's current position, so that the harness's heal finds replication
     * running (its data stays diverged; the next ledger drops its schema everywhere).
     */
    private static void forgetErrantTransactions(MySqlCluster cluster) throws SQLException {
        String position = Pods.single(cluster.pod(1), "SELECT @@global.gtid_current_pos");
        // root may not RESET MASTER on a read-only server (no READ_ONLY ADMIN): the harness's own account does it
        String admin = ((StatefulSetCluster) cluster).statefulSet().endpoint(0).adminJdbcUrl();
        Sql.execute(admin, Duration.ofSeconds(10), "STOP SLAVE", "RESET MASTER",
                "SET GLOBAL gtid_slave_pos = '" + position + "'", "CHANGE MASTER TO MASTER_USE_GTID = slave_pos",
                "START SLAVE");
    }
}
