package dev.mysqlsts.samples.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mysqlsts.Faults;
import dev.mysqlsts.Ledger;
import dev.mysqlsts.LedgerReport;
import dev.mysqlsts.MySqlCluster;
import dev.mysqlsts.MySqlStatefulSet;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Chaos experiment: disks fill up. Hypothesis: MariaDB neither fails nor loses a commit: a leader that cannot write
 * its binary log makes its clients wait ("Waiting for someone to free space"), so the ledger's writes stop being
 * acknowledged and none is lost; a follower that cannot write its relay log stops receiving, and catches up once the
 * disk is freed. MariaDB looks again once a minute, so the experiment takes about a minute longer than the fault.
 * The seed's followers replicate by file and position, so an IO thread also writes master.info after each event, and
 * stops for good if that write is the one that meets the full disk (heartbeats of an idle leader do); the ledger's
 * writes keep events coming, so here the relay log meets it first.
 */
@Tag("chaos-long") // over a minute (a full disk is retried once a minute; the skew needs the IO thread to reconnect): -Pchaos-long
@MySqlStatefulSet(replicas = 3)
class DiskFullTest {

    private static final String FREE_SPACE = "Waiting for someone to free space";

    @Test
    void fullDisksStallTheLeadersClientsAndAFollowersRelayLogUntilFreed(Ledger ledger, Faults faults,
            MySqlCluster cluster) throws Exception {
        ledger.start(2);
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> ledgerRows(cluster, 2) > 20);

        faults.diskFull(2);   // the follower first: its relay log
        Awaitility.await("mysql-2's IO thread waits for space").atMost(Duration.ofSeconds(10))
                .until(() -> waitingForSpace(cluster, 2));
        long stuckAt = ledgerRows(cluster, 2);
        faults.diskFull(0);   // then the leader: its binary log
        Awaitility.await("the leader's sessions wait for space").atMost(Duration.ofSeconds(10))
                .until(() -> waitingForSpace(cluster, 0));
        Thread.sleep(3000);
        long leaderRows = ledgerRows(cluster, 0);
        Thread.sleep(2000);
        assertEquals(leaderRows, ledgerRows(cluster, 0), "no commit completes on the leader's full disk");
        assertEquals(stuckAt, ledgerRows(cluster, 2), "nothing reaches mysql-2 through its full relay log");

        faults.heal();   // returns once MariaDB noticed, at its next once-a-minute retry
        LedgerReport report = ledger.stop();

        System.out.println("after the full disks: " + report);
        report.assertNoAcknowledgedWriteLost();
        assertTrue(report.acknowledged() > 0);
        cluster.assertConsistent();
    }

    private static long ledgerRows(MySqlCluster cluster, int pod) throws SQLException {
        return Sql.count(cluster.pod(pod), "mysqlsts_ledger.writes");
    }

    /** SHOW PROCESSLIST, not SHOW SLAVE STATUS: the IO thread keeps its lock while it waits for space. */
    private static boolean waitingForSpace(MySqlCluster cluster, int pod) throws SQLException {
        try (Connection connection = cluster.pod(pod).connection(); Statement sql = connection.createStatement();
             ResultSet rows = sql.executeQuery("SHOW PROCESSLIST")) {
            while (rows.next()) {
                String state = rows.getString("State");
                if (state != null && state.startsWith(FREE_SPACE)) {
                    return true;
                }
            }
            return false;
        }
    }
}
