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
    void anIsolatedLeaderReplacedByPromoteLosesAcknowledgedWrites(Ledger ledger, Faults faults, MySqlCluster cluster) {
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

        // the way out: the old leader takes the role back (it has every write it acknowledged), the others, which
        // hold writes of the short-lived leader mysql-1 that mysql-0 lacks, are rebuilt from it
        cluster.promote(0);
        cluster.rebuild(1);
        cluster.rebuild(2);
    }
}
