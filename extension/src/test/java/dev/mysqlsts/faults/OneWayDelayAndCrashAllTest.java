package dev.mysqlsts.faults;

import static dev.mysqlsts.faults.Rows.count;
import static dev.mysqlsts.faults.Rows.execute;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mysqlsts.FaultEvent;
import dev.mysqlsts.Faults;
import dev.mysqlsts.MySqlCluster;
import dev.mysqlsts.MySqlStatefulSet;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** cut(from, to) drops one direction only, delayReplication lags a follower, killAll crashes every pod; history() shows each. */
@MySqlStatefulSet(replicas = 3)
class OneWayDelayAndCrashAllTest {

    @BeforeAll
    static void schema(MySqlCluster cluster) throws SQLException {
        execute(cluster.leader(), "CREATE DATABASE feed", "CREATE TABLE feed.items (id INT AUTO_INCREMENT PRIMARY KEY)");
        cluster.awaitReplicationCaughtUp();
    }

    @Test
    void aCutFromTheFollowerToTheLeaderLetsTheBinlogStreamThroughButTheOtherDirectionStopsIt(MySqlCluster cluster,
                                                                                              Faults faults) throws SQLException {
        long before = count(cluster.pod(2), "feed.items");
        faults.cut(2, 0);
        execute(cluster.leader(), "INSERT INTO feed.items VALUES ()");
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> count(cluster.pod(2), "feed.items") == before + 1);

        faults.cut(0, 2);
        execute(cluster.leader(), "INSERT INTO feed.items VALUES ()");
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> count(cluster.pod(1), "feed.items") == before + 2);
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> !cluster.replicaStatus(2).ioRunning());
        assertEquals(before + 1, count(cluster.pod(2), "feed.items"), "nothing from mysql-0 reaches mysql-2");

        faults.heal();
        assertEquals(before + 2, count(cluster.pod(2), "feed.items"));
        assertEquals(List.of(List.of(2, 0), List.of(0, 2)), faults.history().stream().map(FaultEvent::ordinals).toList());
        assertTrue(faults.history().stream().allMatch(event -> event.kind().equals("cut") && event.ended() != null),
                faults.history().toString());
    }

    @Test
    void aDelayedFollowerAppliesTransactionsNoEarlierThanTheDelay(MySqlCluster cluster, Faults faults) throws SQLException {
        long before = count(cluster.pod(2), "feed.items");
        faults.delayReplication(2, Duration.ofSeconds(3));

        long written = System.nanoTime();
        execute(cluster.leader(), "INSERT INTO feed.items VALUES ()");
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> count(cluster.pod(1), "feed.items") == before + 1);
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .until(() -> count(cluster.pod(2), "feed.items") == before + 1);
        long seenAfterMillis = (System.nanoTime() - written) / 1_000_000;

        // the delay counts from the event's timestamp, which the binary log keeps in whole seconds: d - 1 s at least
        assertTrue(seenAfterMillis >= 2_000, "mysql-2 applied the row after " + seenAfterMillis + " ms, before its 3 s delay");
        faults.heal();
        assertEquals(0, delay(cluster, 2), "heal() removes the delay");
        assertEquals("delayReplication", faults.history().get(0).kind());
    }

    @Test
    void killAllCrashesEveryPodAndEachComesBackWithItsData(MySqlCluster cluster, Faults faults) throws SQLException {
        execute(cluster.leader(), "INSERT INTO feed.items VALUES ()");
        cluster.awaitReplicationCaughtUp();
        long rows = count(cluster.leader(), "feed.items");
        List<Connection> before = List.of(cluster.pod(0).connection(), cluster.pod(1).connection(), cluster.pod(2).connection());

        faults.killAll();

        for (Connection connection : before) {
            assertFalse(connection.isValid(2), "every server crashed");
            connection.close();
        }
        FaultEvent crash = faults.history().get(0);
        assertEquals("killAll", crash.kind());
        assertEquals(List.of(0, 1, 2), crash.ordinals());
        cluster.awaitReady();
        execute(cluster.leader(), "INSERT INTO feed.items VALUES ()");
        cluster.awaitReplicationCaughtUp();
        assertEquals(rows + 1, count(cluster.pod(2), "feed.items"));
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> faults.history().get(0).ended() != null);
        assertNotNull(faults.history().get(0).ended(), "the crash ends when every pod is Ready again");
    }

    @Test
    void eachTestStartsWithAnEmptyHistoryAndAFaultIsInForceUntilUndone(Faults faults) {
        assertEquals(List.of(), faults.history());
        faults.pause(1);
        assertNull(faults.history().get(0).ended());
        faults.resume(1);
        assertNotNull(faults.history().get(0).ended());
    }

    private static long delay(MySqlCluster cluster, int ordinal) throws SQLException {
        try (Connection connection = cluster.pod(ordinal).connection();
             var rows = connection.createStatement().executeQuery("SHOW SLAVE STATUS")) {
            rows.next();
            return rows.getLong("SQL_Delay");
        }
    }
}
