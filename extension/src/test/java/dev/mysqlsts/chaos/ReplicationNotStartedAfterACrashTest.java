package dev.mysqlsts.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mysqlsts.Faults;
import dev.mysqlsts.Ledger;
import dev.mysqlsts.LedgerReport;
import dev.mysqlsts.MySqlCluster;
import dev.mysqlsts.MySqlStatefulSet;
import dev.mysqlsts.ReplicaStatus;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * A follower whose server comes back from a crash without starting its replication: MariaDB reads relay-log.info,
 * cannot open the relay log it names, logs "Could not find target log during relay log initialization" and "Failed
 * to initialize the master info structure", and serves with both threads stopped and no error in its replica status.
 * The 10-minute GTID soak met it on a follower killed 2 s after a restart whose IO thread could not connect (the
 * start purged the relay logs by GTID, and relay-log.info still named the purged one); here relay-log.info is made to
 * name a relay log that does not exist before the kill, which is the same state. The ledger's report says why the
 * pod did not catch up, with the error log's lines, and RESET SLAVE then START SLAVE (by GTID) repairs it.
 */
@MySqlStatefulSet(replicas = 3, manifests = "classpath:manifests-fixtures/gtid-sidecar")
class ReplicationNotStartedAfterACrashTest {

    @Test
    void theReportNamesTheServersReasonForAFollowerThatDidNotStartReplicating(Ledger ledger, Faults faults,
                                                                               MySqlCluster cluster) throws Exception {
        cluster.awaitReplicationCaughtUp();
        Path relayLogInfo = Path.of(Pods.single(cluster.pod(2), "SELECT @@datadir"), "relay-log.info");
        String info = Files.readString(relayLogInfo, StandardCharsets.ISO_8859_1);
        assertTrue(info.matches("(?s).*relay-bin\\.\\d{6}.*"), info);
        Files.writeString(relayLogInfo, info.replaceAll("relay-bin\\.\\d{6}", "relay-bin.999999"),
                StandardCharsets.ISO_8859_1);
        faults.kill(2);
        cluster.awaitReady();

        ReplicaStatus status = cluster.replicaStatus(2);
        assertFalse(status.ioRunning() || status.sqlRunning(), status.summary());
        assertEquals(0, status.lastIoErrno() + status.lastSqlErrno(), "no error in the status: " + status.summary());

        ledger.start(1);
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> Pods.ledgerRows(cluster.pod(0)) >= 50);
        LedgerReport report = ledger.stop();

        report.assertNoAcknowledgedWriteLost();
        String why = report.notCaughtUp().getOrDefault("mysql-2", "");
        assertTrue(why.contains("its replication is stopped")
                && why.contains("Could not find target log during relay log initialization")
                && why.contains("Failed to initialize the master info structure")
                && why.contains("relay-log-recovery in the config of both roles avoids it"), report.toString());
        assertTrue(report.divergent().containsKey("mysql-2"), report.toString());

        // the operator's remedy: forget the relay logs and resume from the GTID position the pod applied
        Pods.run(cluster.pod(2), "RESET SLAVE", "START SLAVE");
        cluster.awaitReplicationCaughtUp();
        cluster.assertConsistent();
    }
}
