package dev.mysqlsts.samples.chaos;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.mysqlsts.Backend;
import dev.mysqlsts.Faults;
import dev.mysqlsts.Ledger;
import dev.mysqlsts.LedgerReport;
import dev.mysqlsts.MySqlCluster;
import dev.mysqlsts.MySqlStatefulSet;
import java.sql.SQLException;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chaos experiment with a verdict: the leader is cut off from its followers while clients keep writing to it, and
 * an operator fails over to mysql-1.
 * <p>
 * Why writes are lost: the manifests' replication is asynchronous. The leader acknowledges a commit as soon as it is
 * in its own binary log, before any follower has it. Cut off, it keeps acknowledging writes that no follower will
 * ever receive; when mysql-1 is promoted, those writes exist only on the old leader, and the clients that were told
 * "committed" were told wrong. The ledger records every acknowledgement and finds them missing on the new leader.
 */
// LOCAL: promote(n) restarts one pod with the leader's config, which a StatefulSet cannot do (on K3S it throws)
@MySqlStatefulSet(replicas = 3, backend = Backend.LOCAL)
class AsynchronousFailoverLosesAcknowledgedWritesTest {

    private static final Logger LOG = LoggerFactory.getLogger(AsynchronousFailoverLosesAcknowledgedWritesTest.class);

    @Test
    void promotingAFollowerAfterTheLeaderIsCutOffLosesWhatTheLeaderAcknowledgedAlone(
            Ledger ledger, Faults faults, MySqlCluster cluster) throws SQLException {
        ledger.start(2);
        awaitLedgerRows(cluster, 0, 20);
        faults.isolate(0);                                  // mysql-0 keeps accepting writes; nobody replicates them
        awaitLedgerRows(cluster, 0, Sql.count(cluster.pod(0), "mysqlsts_ledger.writes") + 50);
        cluster.promote(1);                                 // the ledger's clients follow the new leader
        awaitLedgerRows(cluster, 1, Sql.count(cluster.pod(1), "mysqlsts_ledger.writes") + 20);
        LedgerReport report = ledger.stop();
        LOG.info("verdict: {}", report);

        assertFalse(report.lost().isEmpty(), "asynchronous replication acknowledges a commit before any follower has it,"
                + " so a fail-over away from a cut-off leader must lose the writes it acknowledged alone; yet none was "
                + "lost: " + report);
        AssertionError verdict = assertThrows(AssertionError.class, report::assertNoAcknowledgedWriteLost);
        LOG.info("what assertNoAcknowledgedWriteLost() says: {}", verdict.getMessage());

        // the way out: the old leader takes the role back (it has every write it acknowledged); the others hold
        // writes of the short-lived leader mysql-1 that mysql-0 lacks, so they are rebuilt from it
        cluster.promote(0);
        cluster.rebuild(1);
        cluster.rebuild(2);
    }

    private static void awaitLedgerRows(MySqlCluster cluster, int pod, long rows) {
        Awaitility.await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
                .until(() -> Sql.count(cluster.pod(pod), "mysqlsts_ledger.writes") >= rows);
    }
}
