package dev.mysqlsts.samples.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mysqlsts.Backend;
import dev.mysqlsts.Faults;
import dev.mysqlsts.Ledger;
import dev.mysqlsts.LedgerReport;
import dev.mysqlsts.MySqlCluster;
import dev.mysqlsts.MySqlStatefulSet;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chaos experiment with a verdict, the counterpart of {@link FilePositionReplicationIsNotCrashSafeTest}: the same
 * follower killed under the ledger's load, with a sidecar that replicates by GTID ({@code manifests/gtid-sidecar}:
 * {@code MASTER_USE_GTID=slave_pos}).
 * <p>
 * Why it holds: MariaDB records the GTID position a follower applied in {@code mysql.gtid_slave_pos}, an InnoDB
 * table written in the same transaction as the rows, so a crash cannot separate the two; the restarted follower
 * asks its source for what comes after that position and applies nothing twice.
 */
// LOCAL: the gtid-sidecar's statements are MariaDB's (SET GLOBAL gtid_slave_pos, MASTER_USE_GTID=slave_pos), which the
// mysql:5.7 of its pods on K3S rejects (MySQL replicates by GTID with MASTER_AUTO_POSITION=1)
@MySqlStatefulSet(replicas = 3, manifests = "classpath:manifests/gtid-sidecar", backend = Backend.LOCAL)
class GtidReplicationIsCrashSafeTest {

    private static final Logger LOG = LoggerFactory.getLogger(GtidReplicationIsCrashSafeTest.class);
    private static final int KILLS = 10;

    @Test
    void aFollowerKilledUnderLoadAppliesNothingTwice(Ledger ledger, Faults faults, MySqlCluster cluster) {
        assertTrue(cluster.replicaStatus(2).usingGtid(), cluster.replicaStatus(2).summary());
        ledger.start(4);
        for (int kill = 1; kill <= KILLS; kill++) {
            awaitApplying(cluster);
            faults.kill(2);
            cluster.awaitReady();
        }
        awaitApplying(cluster);
        LedgerReport report = ledger.stop();
        LOG.info("after {} kills of mysql-2 with GTID replication: {}", KILLS, report);

        assertEquals(0, cluster.replicaStatus(2).lastSqlErrno(), cluster.replicaStatus(2).summary());
        assertEquals(Map.of(), report.duplicated(), "no transaction applied twice: " + report);
        assertEquals(Map.of(), report.divergent(), "every pod holds what the leader holds: " + report);
        assertEquals(Set.of(), report.lost(), report.toString());
    }

    /** Waits until mysql-2 applies ledger rows again after its restart. */
    private static void awaitApplying(MySqlCluster cluster) {
        long[] rows = {-1};
        Awaitility.await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> {
            long now = Long.parseLong(Sql.single(cluster.pod(2), "SELECT COUNT(*) FROM mysqlsts_ledger.writes"));
            boolean moved = rows[0] >= 0 && now > rows[0] + 10;
            if (rows[0] < 0) {
                rows[0] = now;
            }
            return moved;
        });
    }
}
