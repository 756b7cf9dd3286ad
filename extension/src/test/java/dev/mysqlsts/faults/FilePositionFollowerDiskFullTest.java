package dev.mysqlsts.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mysqlsts.ChaosOptions;
import dev.mysqlsts.FaultEvent;
import dev.mysqlsts.Faults;
import dev.mysqlsts.Ledger;
import dev.mysqlsts.LedgerReport;
import dev.mysqlsts.MySqlCluster;
import dev.mysqlsts.MySqlStatefulSet;
import dev.mysqlsts.ReplicaStatus;
import dev.mysqlsts.Targets;
import dev.mysqlsts.chaos.Experiment;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The seed's followers replicate by binary log file and position: MariaDB's IO thread then writes master.info after
 * every event it receives, the heartbeats of an idle leader included (every 2 s here), and exits when that write fails,
 * with "Failed to flush master info file" in its error log and no error in its replica status (sql/slave.cc,
 * handle_slave_io). A full disk on an idle follower therefore stops its replication for good: nothing starts it again
 * once the disk is freed, and the ledger's verdict says so, naming the cause, instead of waiting for MariaDB's retry of
 * a full disk. Replicating by GTID, the IO thread does not write master.info per event ({@link DiskFaultsTest}).
 */
@MySqlStatefulSet(replicas = 3)
class FilePositionFollowerDiskFullTest {

    @BeforeAll
    static void librariesInstalled() {
        DiskFaultsTest.librariesInstalled();
    }

    @Test
    void anIdleFollowersFullDiskStopsItsIoThreadAndTheVerdictNamesIt(MySqlCluster cluster, Faults faults, Ledger ledger) {
        Duration length = Duration.ofSeconds(4);
        // seed 37's only step: disk-full on follower#0 (mysql-1) at +505 ms for 3430 ms, longer than a heartbeat
        faults.schedule(37, length, ChaosOptions.kinds("disk-full").targets(Targets.FOLLOWERS));
        Awaitility.await().pollDelay(length).atMost(length.plusSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> !Experiment.of(cluster).scheduleRunning());
        List<FaultEvent> disk = faults.history();
        assertTrue(disk.size() == 1 && disk.get(0).kind().equals("disk-full") && disk.get(0).ended() != null,
                "one disk-full, lifted by the schedule: " + disk);
        int pod = disk.get(0).ordinals().get(0);
        ReplicaStatus stopped = cluster.replicaStatus(pod);
        assertEquals("No", stopped.ioState(), "mysql-" + pod + "'s IO thread after its disk was freed: " + stopped.summary());
        assertEquals(0, stopped.lastIoErrno(), stopped.summary());
        assertTrue(stopped.sqlRunning(), stopped.summary());

        ledger.start(2);
        Awaitility.await().pollDelay(Duration.ofSeconds(1)).until(() -> true); // a second of writes the stopped follower misses
        LedgerReport report = ledger.stop();

        String why = report.notCaughtUp().getOrDefault("mysql-" + pod, "");
        assertTrue(why.startsWith("its IO thread stopped") && why.contains("Failed to flush master info file")
                && why.contains("MASTER_USE_GTID"), report.toString());
        int other = 3 - pod;
        assertFalse(report.notCaughtUp().containsKey("mysql-" + other), report.toString());
        assertTrue(report.acknowledged() > 0 && report.lost().isEmpty(), report.toString());

        faults.heal(); // the repair: START SLAVE
        cluster.awaitReplicationCaughtUp();
        assertEquals("Yes", cluster.replicaStatus(pod).ioState());
    }
}
