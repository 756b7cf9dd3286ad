package dev.mysqlsts.faults;

import static dev.mysqlsts.faults.Rows.count;
import static dev.mysqlsts.faults.Rows.execute;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mysqlsts.Faults;
import dev.mysqlsts.MySqlCluster;
import dev.mysqlsts.MySqlStatefulSet;
import dev.mysqlsts.ReplicaStatus;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Each fault has the effect a user would see; the harness heals it after each test. */
@MySqlStatefulSet(replicas = 3)
class FaultEffectsTest {

    @BeforeAll
    static void schema(MySqlCluster cluster) throws SQLException {
        execute(cluster.leader(), "CREATE DATABASE chaos", "CREATE TABLE chaos.events (id INT AUTO_INCREMENT PRIMARY KEY, note VARCHAR(40))");
        cluster.awaitReplicationCaughtUp();
    }

    @Test
    void anIsolatedFollowerReadsNoNewRowsUntilHealed(MySqlCluster cluster, Faults faults) throws SQLException {
        long before = count(cluster.pod(2), "chaos.events");
        faults.isolate(2);

        execute(cluster.leader(), "INSERT INTO chaos.events (note) VALUES ('during the partition')");
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> count(cluster.pod(1), "chaos.events") == before + 1);
        // the cut is real when mysql-2's replication notices it has lost its source (heartbeats stop arriving)
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> !cluster.replicaStatus(2).ioRunning());
        assertEquals(before, count(cluster.pod(2), "chaos.events"), "mysql-2 is cut off, yet readable by the test");

        faults.heal();
        assertEquals(before + 1, count(cluster.pod(2), "chaos.events"));
    }

    @Test
    void aWriteToAPausedLeaderCompletesOnlyAfterResume(MySqlCluster cluster, Faults faults) throws Exception {
        try (Connection leader = cluster.leader().connection()) {
            faults.pause(0);
            CompletableFuture<Void> write = CompletableFuture.runAsync(() -> {
                try (Statement sql = leader.createStatement()) {
                    sql.execute("INSERT INTO chaos.events (note) VALUES ('written while frozen')");
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            assertFalse(cluster.leader().isReady(), "a frozen server fails its readiness probe");
            // not one look right after the pause (the write may not even be sent yet): it stays unanswered for 3 s
            assertThrows(TimeoutException.class, () -> write.get(3, TimeUnit.SECONDS), "the frozen leader answered");

            faults.resume(0);
            write.get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void aKilledLeaderRefusesConnectionsThenRestartsWithItsDataAndReplicationResumes(MySqlCluster cluster, Faults faults)
            throws SQLException {
        execute(cluster.leader(), "INSERT INTO chaos.events (note) VALUES ('before the crash')");
        long rows = count(cluster.leader(), "chaos.events");
        Connection beforeTheCrash = cluster.leader().connection();

        faults.kill(0);

        assertFalse(beforeTheCrash.isValid(2), "the crashed server's connections are gone");
        beforeTheCrash.close();
        cluster.awaitReady();
        assertEquals(rows, count(cluster.leader(), "chaos.events"), "the leader kept its data");
        execute(cluster.leader(), "INSERT INTO chaos.events (note) VALUES ('after the crash')");
        cluster.awaitReplicationCaughtUp();
        assertEquals(rows + 1, count(cluster.pod(2), "chaos.events"));
    }

    @Test
    void aDeletedPodComesBackWithItsNameAndData(MySqlCluster cluster, Faults faults) throws SQLException {
        long rows = count(cluster.pod(1), "chaos.events");
        try (Connection beforeTheDelete = cluster.pod(1).connection()) {

            faults.deletePod(1);

            assertFalse(beforeTheDelete.isValid(2), "the old server process is gone");
        }
        assertTrue(cluster.pod(1).isReady());
        assertEquals(rows, count(cluster.pod(1), "chaos.events"));
        try (Connection follower = cluster.pod(1).connection()) {
            assertEquals(101, Rows.serverId(follower));
        }
    }

    @Test
    void aPodWithBrokenReadinessGetsNoReadTrafficAndHaltsScaleUp(MySqlCluster cluster, Faults faults) throws SQLException {
        faults.breakReadiness(2);

        for (int i = 0; i < 20; i++) {
            try (Connection any = cluster.readConnection()) {
                assertNotEquals(102, Rows.serverId(any), "readConnection() reached the unready mysql-2");
            }
        }
        IllegalStateException halted = assertThrows(IllegalStateException.class, () -> cluster.scale(4));
        assertTrue(halted.getMessage().contains("mysql-2 is not Ready"), halted.getMessage());
        assertEquals(3, cluster.replicas());
    }

    @Test
    void latencyOnTheLeaderDelaysReplicationByAtLeastTheDelay(MySqlCluster cluster, Faults faults) throws SQLException {
        Duration delay = Duration.ofMillis(500);
        long before = count(cluster.pod(2), "chaos.events");
        faults.latency(0, delay);

        long sent = System.nanoTime();
        CompletableFuture<Void> write = CompletableFuture.runAsync(() -> {
            try {
                execute(cluster.leader(), "INSERT INTO chaos.events (note) VALUES ('slow')");
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
        Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20))
                .until(() -> count(cluster.pod(2), "chaos.events") == before + 1);
        long seenAfterMillis = (System.nanoTime() - sent) / 1_000_000;
        write.join();

        // the INSERT reaches the leader after one delay, the binlog event reaches mysql-2 after another
        assertTrue(seenAfterMillis >= 2 * delay.toMillis() - 50,
                "the row reached mysql-2 " + seenAfterMillis + " ms after it was sent; expected at least " + 2 * delay.toMillis());
    }

    @Test
    void stopReplicationStopsRowsArrivingAndShowsInReplicaStatus(MySqlCluster cluster, Faults faults) throws SQLException {
        long before = count(cluster.pod(1), "chaos.events");
        faults.stopReplication(1);

        ReplicaStatus status = cluster.replicaStatus(1);
        assertFalse(status.ioRunning() || status.sqlRunning(), status.summary());
        execute(cluster.leader(), "INSERT INTO chaos.events (note) VALUES ('not for mysql-1')");
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> count(cluster.pod(2), "chaos.events") == before + 1);
        assertEquals(before, count(cluster.pod(1), "chaos.events"));

        faults.startReplication(1);
        cluster.awaitReplicationCaughtUp();
        assertEquals(before + 1, count(cluster.pod(1), "chaos.events"));
        assertTrue(cluster.replicaStatus(1).sqlRunning());
    }

    /**
     * A stopReplication that cannot reach its follower (paused: no greeting within 10 s) sent nothing, and the history
     * says it is not in force: a soak's schedule that drew it while another lane paused the pod waited for its end.
     */
    @Test
    void aStopReplicationThatCannotReachItsFollowerIsNotInForce(MySqlCluster cluster, Faults faults) {
        faults.pause(1);
        try {
            assertThrows(RuntimeException.class, () -> faults.stopReplication(1));
            assertTrue(faults.history().stream().filter(event -> event.kind().equals("stopReplication"))
                    .allMatch(event -> event.ended() != null), faults.history().toString());
        } finally {
            faults.resume(1);
        }
        assertTrue(cluster.replicaStatus(1).sqlRunning(), cluster.replicaStatus(1).summary());
    }

    @Test
    void faultCallsWithBadArgumentsSayWhatIsWrong(Faults faults) {
        IllegalArgumentException outside = assertThrows(IllegalArgumentException.class, () -> faults.kill(5));
        assertTrue(outside.getMessage().contains("faults.kill(5): no pod with ordinal 5") && outside.getMessage().contains("0..2"),
                outside.getMessage());
        IllegalStateException notPaused = assertThrows(IllegalStateException.class, () -> faults.resume(1));
        assertTrue(notPaused.getMessage().contains("mysql-1 is not paused"), notPaused.getMessage());
        assertThrows(IllegalArgumentException.class, () -> faults.stopReplication(0));
        assertThrows(IllegalArgumentException.class, () -> faults.partition(0, 1, 2));
    }
}
