package dev.mysqlsts.chaos;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mysqlsts.Faults;
import dev.mysqlsts.Ledger;
import dev.mysqlsts.LedgerReport;
import dev.mysqlsts.MySqlCluster;
import dev.mysqlsts.MySqlStatefulSet;
import dev.mysqlsts.ReplicaStatus;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * A power cut soon after a follower was set up, on the seed's manifests (MariaDB's defaults: master.info fsynced
 * every 10,000 writes, sync_master_info): the follower comes back with an empty master.info, serves, and is no
 * replica at all; the ledger's report says it did not catch up. killAll() keeps the file (the page cache survives a
 * crash); the sample GTID manifests set sync-master-info = 1 and sync-relay-log-info = 1 for this.
 */
@MySqlStatefulSet(replicas = 2)
class PowerCutOfAFreshFollowerTest {

    @Test
    void theFollowerComesBackAsNoReplica(Ledger ledger, Faults faults, MySqlCluster cluster) {
        ledger.start(1);
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> Pods.ledgerRows(cluster.pod(1)) >= 50);
        ReplicaStatus before = cluster.replicaStatus(1);
        assertTrue(before.ioRunning() && before.sqlRunning(), before.summary());
        faults.powerCut();
        cluster.awaitReady();

        IllegalStateException noReplica = assertThrows(IllegalStateException.class, () -> cluster.replicaStatus(1));
        assertTrue(noReplica.getMessage().contains("not a replica"), noReplica.getMessage());
        long rows = Pods.ledgerRows(cluster.pod(0));
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> Pods.ledgerRows(cluster.pod(0)) >= rows + 50);
        LedgerReport report = ledger.stop();
        assertTrue(report.notCaughtUp().containsKey("mysql-1") && report.divergent().containsKey("mysql-1"),
                report.toString());
        // what an operator does with a follower that lost its replication settings
        cluster.rebuild(1);
    }
}
