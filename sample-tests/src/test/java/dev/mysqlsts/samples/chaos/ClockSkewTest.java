package dev.mysqlsts.samples.chaos;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mysqlsts.Faults;
import dev.mysqlsts.Ledger;
import dev.mysqlsts.LedgerReport;
import dev.mysqlsts.MySqlCluster;
import dev.mysqlsts.MySqlStatefulSet;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Chaos experiment: a follower's clock runs 30 s ahead (an NTP step, a VM resumed with a stale clock).
 * Hypothesis: Seconds_Behind_Master, which a replica computes from its own clock and the binary log events'
 * timestamps, says the follower is 30 s behind while the ledger, which measures lag from what the follower really
 * holds, sees it current. MariaDB corrects for the clock difference it measured when its IO thread connected
 * ({@code clock_diff_with_master}, from {@code SELECT UNIX_TIMESTAMP()} on the source: MariaDB server,
 * sql/slave.cc, get_master_version_and_clock), so the false lag lasts
 * until the IO thread reconnects.
 */
@Tag("chaos-long") // over a minute (a full disk is retried once a minute; the skew needs the IO thread to reconnect): -Pchaos-long
@MySqlStatefulSet(replicas = 2)
class ClockSkewTest {

    @Test
    void aFollowerWhoseClockJumpsAheadReportsLagTheLedgerDoesNotSee(Ledger ledger, Faults faults, MySqlCluster cluster)
            throws InterruptedException {
        ledger.start(2);
        Thread.sleep(1000);

        faults.clockSkew(1, Duration.ofSeconds(30));
        long reported = maxSecondsBehind(cluster, Duration.ofSeconds(6));

        faults.stopReplication(1);   // the IO thread reconnects and measures the clock difference again
        faults.startReplication(1);
        Thread.sleep(1000);
        long afterReconnect = maxSecondsBehind(cluster, Duration.ofSeconds(6));
        LedgerReport report = ledger.stop();

        Duration measured = report.maxLag().get("mysql-1");
        System.out.printf("mysql-1 +30 s: Seconds_Behind_Master up to %d s; after its IO thread reconnected up to %d s; "
                + "the ledger's measured lag at most %d ms%n", reported, afterReconnect, measured.toMillis());
        assertTrue(reported >= 25, "Seconds_Behind_Master shows the skew as lag: " + reported);
        assertTrue(measured.compareTo(Duration.ofSeconds(5)) < 0, "the follower was current all along: " + measured);
        assertTrue(afterReconnect < 5, "after a reconnect MariaDB corrects for the skew: " + afterReconnect);
        report.assertNoAcknowledgedWriteLost();
    }

    /** The largest Seconds_Behind_Master mysql-1 reports while the ledger writes, polled for {@code window}. */
    private static long maxSecondsBehind(MySqlCluster cluster, Duration window) throws InterruptedException {
        long max = 0;
        long end = System.nanoTime() + window.toNanos();
        while (System.nanoTime() < end) {
            Long behind = cluster.replicaStatus(1).secondsBehindSource();
            max = Math.max(max, behind == null ? 0 : behind);
            Thread.sleep(100);
        }
        return max;
    }
}
