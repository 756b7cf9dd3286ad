package dev.mysqlsts.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mysqlsts.Ledger;
import dev.mysqlsts.LedgerReport;
import dev.mysqlsts.MySqlCluster;
import dev.mysqlsts.MySqlStatefulSet;
import dev.mysqlsts.ReplicaStatus;
import dev.mysqlsts.cluster.StatefulSetCluster;
import dev.mysqlsts.replication.Sql;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** The ledger's verdict on a healthy cluster, and on a follower that applies transactions twice. */
@MySqlStatefulSet(replicas = 3)
class LedgerVerdictTest {

    @Test
    void aHealthyClusterLosesNothingAndTheCountsAddUp(Ledger ledger, MySqlCluster cluster) {
        assertSame(ledger, cluster.ledger(), "one ledger per test method");
        ledger.start(3);
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> Pods.ledgerRows(cluster.pod(2)) >= 300);
        LedgerReport report = ledger.stop();

        assertTrue(report.acknowledged() >= 300, report.toString());
        assertEquals(0, report.failed(), report.toString());
        assertEquals(0, report.unknown(), report.toString());
        assertEquals(Set.of(), report.lost());
        assertEquals(Set.of(), report.phantoms());
        assertEquals(Map.of(), report.duplicated());
        assertEquals(Map.of(), report.divergent());
        assertEquals(Map.of(), report.errantTransactions());
        assertEquals(Map.of(), report.notCaughtUp());
        assertEquals(java.util.List.of(), report.splitBrain(), "only the leader accepts writes");
        assertEquals(Set.of("mysql-1", "mysql-2"), report.maxLag().keySet());
        report.assertNoAcknowledgedWriteLost();
        for (int pod = 0; pod < 3; pod++) {
            assertEquals(report.acknowledged(), Pods.ledgerRows(cluster.pod(pod)), "rows on mysql-" + pod);
        }
    }

    /** A follower made writable behind the harness's back, while the leader accepts writes: split brain. */
    @Test
    void twoWritablePodsAtOnceAreReportedAsSplitBrain(Ledger ledger, MySqlCluster cluster) {
        ledger.start(1);
        String admin = ((StatefulSetCluster) cluster).statefulSet().endpoint(2).adminJdbcUrl();
        Sql.execute(admin, Duration.ofSeconds(10), "SET GLOBAL read_only = 0");
        try {
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> ((LedgerWorkload) ledger).samples().stream()
                    .anyMatch(sample -> sample.pod() == 2 && sample.writable()));
        } finally {
            Sql.execute(admin, Duration.ofSeconds(10), "SET GLOBAL read_only = 1");
        }
        LedgerReport report = ledger.stop();

        assertEquals(1, report.splitBrain().size(), report.toString());
        assertTrue(report.splitBrain().get(0).startsWith("mysql-0, mysql-2 accepted writes at once"), report.toString());
    }

    /**
     * What a crash does to file/position replication, made on purpose: the follower's applied position is moved
     * back, so it applies transactions it had applied already. The ledger's table has no unique key, so they show
     * as duplicates instead of stopping replication.
     */
    @Test
    void aFollowerThatAppliesTransactionsTwiceShowsAsDuplicated(Ledger ledger, MySqlCluster cluster)
            throws SQLException {
        ledger.start(1);
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> Pods.ledgerRows(cluster.pod(2)) >= 20);
        ReplicaStatus before = cluster.replicaStatus(2);
        long rowsBefore = Pods.ledgerRows(cluster.pod(2));
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> Pods.ledgerRows(cluster.pod(2)) >= rowsBefore + 20);
        Pods.run(cluster.pod(2), "STOP SLAVE", "CHANGE MASTER TO MASTER_LOG_FILE='" + before.execSourceLogFile()
                + "', MASTER_LOG_POS=" + before.execPosition(), "START SLAVE");
        LedgerReport report = ledger.stop();

        assertEquals(Set.of("mysql-2"), report.duplicated().keySet(), report.toString());
        assertTrue(report.duplicated().get("mysql-2") >= 20, report.toString());
        assertEquals(Map.of(), report.divergent(), "the same ids, some twice: " + report);
        assertEquals(Set.of(), report.lost());
    }
}
