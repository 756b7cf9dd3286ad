package dev.mysqlsts.samples.chaos;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mysqlsts.Backend;
import dev.mysqlsts.Faults;
import dev.mysqlsts.Ledger;
import dev.mysqlsts.LedgerReport;
import dev.mysqlsts.MySqlCluster;
import dev.mysqlsts.MySqlStatefulSet;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chaos experiment with a verdict, the counterpart of {@link AsynchronousFailoverLosesAcknowledgedWritesTest}: the
 * same isolated leader and fail-over, with semi-synchronous replication in the ConfigMap
 * ({@code manifests/semi-sync}: {@code rpl_semi_sync_master_enabled}, a one-hour fall-back timeout).
 * <p>
 * Why nothing is lost: a commit returns to the client only once the follower has the transaction in its relay log.
 * Once the leader is cut off, its commits hang (the clients record them as unknown, never as acknowledged), and the
 * promotion applies the follower's relay log before it takes over. Every acknowledged write is on the new leader.
 */
// LOCAL: promote(n) restarts one pod with the leader's config, which a StatefulSet cannot do (on K3S it throws)
@MySqlStatefulSet(replicas = 2, manifests = "classpath:manifests/semi-sync", backend = Backend.LOCAL)
class SemiSynchronousFailoverKeepsAcknowledgedWritesTest {

    private static final Logger LOG = LoggerFactory.getLogger(SemiSynchronousFailoverKeepsAcknowledgedWritesTest.class);

    @Test
    void noAcknowledgedWriteIsLostWhenTheIsolatedLeaderIsReplaced(Ledger ledger, Faults faults, MySqlCluster cluster) {
        ledger.start(4);
        Awaitility.await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                .until(() -> Long.parseLong(Sql.single(cluster.pod(1), "SELECT COUNT(*) FROM mysqlsts_ledger.writes")) > 50);

        faults.isolate(0);
        cluster.promote(1);
        LedgerReport report = ledger.stop();
        LOG.info("semi-synchronous fail-over: {}", report);

        assertTrue(report.acknowledged() > 50, "the ledger wrote: " + report);
        report.assertNoAcknowledgedWriteLost();
    }
}
