package dev.mysqlsts.samples.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.mysqlsts.Backend;
import dev.mysqlsts.Faults;
import dev.mysqlsts.Ledger;
import dev.mysqlsts.LedgerReport;
import dev.mysqlsts.MySqlCluster;
import dev.mysqlsts.MySqlPod;
import dev.mysqlsts.MySqlStatefulSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.MethodOrderer.OrderAnnotation;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chaos experiment with a verdict: the power of the whole cluster cut under the ledger's four writers, with the
 * durable settings and with the fast ones many production configs choose. {@code faults.killAll()} cannot tell them
 * apart, since a crash keeps the kernel's page cache; {@code faults.powerCut()} takes back what was not fsynced.
 * <ul>
 *   <li>{@code sync_binlog=1}, {@code innodb_flush_log_at_trx_commit=1}: every acknowledged commit is in an fsynced
 *       binary log and redo log; nothing is lost. The followers (GTID, {@code manifests/gtid-sidecar}) resume because
 *       their replication settings survive too: MariaDB writes {@code master.info} and {@code relay-log.info} when
 *       replication is set up and fsyncs them every 10,000 writes by default; without the manifests'
 *       {@code sync-master-info = 1} and {@code sync-relay-log-info = 1}, a power cut soon after the sidecar set
 *       replication up leaves them empty, and the follower starts no replication at all.</li>
 *   <li>{@code sync_binlog=0}, {@code innodb_flush_log_at_trx_commit=2}: the redo log is written at each commit but
 *       fsynced once a second, the binary log when the OS likes; the last commits the clients were told about are
 *       gone from the leader.</li>
 * </ul>
 */
@MySqlStatefulSet(replicas = 3, manifests = "classpath:manifests/gtid-sidecar", backend = Backend.LOCAL)
@TestMethodOrder(OrderAnnotation.class)
class PowerCutTest {

    private static final Logger LOG = LoggerFactory.getLogger(PowerCutTest.class);

    @Test
    @Order(1)
    void withEveryCommitFsyncedAPowerCutLosesNothing(Ledger ledger, Faults faults, MySqlCluster cluster)
            throws SQLException {
        configure(cluster, "sync_binlog = 1", "innodb_flush_log_at_trx_commit = 1");
        ledger.start(4);
        awaitWrites(cluster.leader());
        faults.powerCut();
        cluster.awaitReady();
        awaitWrites(cluster.leader());
        LedgerReport report = ledger.stop();
        LOG.info("power cut with sync_binlog=1, innodb_flush_log_at_trx_commit=1: {}", report);

        assertEquals(Set.of(), report.lost(), report.toString());
        assertEquals(Map.of(), report.duplicated(), report.toString());
        assertEquals(Map.of(), report.divergent(), report.toString());
    }

    @Test
    @Order(2)
    void withCommitsFsyncedOnceASecondAPowerCutLosesAcknowledgedWrites(Ledger ledger, Faults faults,
                                                                      MySqlCluster cluster) throws SQLException {
        // innodb_log_file_buffering=ON is what MariaDB switches on when it starts with innodb_flush_log_at_trx_commit=2
        // (MDEV-28766): the redo log goes through the page cache instead of O_DIRECT
        configure(cluster, "sync_binlog = 0", "innodb_flush_log_at_trx_commit = 2", "innodb_log_file_buffering = ON");
        ledger.start(4);
        awaitWrites(cluster.leader());
        faults.powerCut();
        cluster.awaitReady();
        LedgerReport report = ledger.stop();
        LOG.info("power cut with sync_binlog=0, innodb_flush_log_at_trx_commit=2: {}", report);

        assertFalse(report.lost().isEmpty(), "every acknowledged write survived a power cut with commits fsynced "
                + "once a second: " + report);
        // the followers had received what the leader lost: they hold GTIDs the leader will reuse for other
        // transactions (the report's errant transactions). An operator rebuilds them from the leader.
        cluster.rebuild(1);
        cluster.rebuild(2);
    }

    /** The settings on every pod, as a ConfigMap would give them (the harness resets them after the test). */
    private static void configure(MySqlCluster cluster, String... settings) throws SQLException {
        for (MySqlPod pod : cluster.pods()) {
            for (String setting : settings) {
                Sql.run(pod, "SET GLOBAL " + setting);
            }
        }
    }

    /** Waits until the ledger's clients have committed another thousand rows on the leader. */
    private static void awaitWrites(MySqlPod leader) throws SQLException {
        long start = Sql.count(leader, "mysqlsts_ledger.writes");
        Awaitility.await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
                .until(() -> Sql.count(leader, "mysqlsts_ledger.writes") >= start + 1000);
    }
}
