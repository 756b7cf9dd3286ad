package dev.mysqlsts.faults;

import static dev.mysqlsts.faults.Rows.count;
import static dev.mysqlsts.faults.Rows.execute;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mysqlsts.Faults;
import dev.mysqlsts.MySqlCluster;
import dev.mysqlsts.MySqlStatefulSet;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A broken follower makes heal() fail at once, naming it; rebuild() is the way out. */
@MySqlStatefulSet(replicas = 3)
class RebuildAndHealTest {

    @BeforeAll
    static void schema(MySqlCluster cluster) throws SQLException {
        execute(cluster.leader(), "CREATE DATABASE ledger", "CREATE TABLE ledger.entries (id INT PRIMARY KEY)");
    }

    /** A row the followers have and the leader does not know it deleted: the next insert of that id stops them. */
    private static void rowOnlyTheFollowersHave(MySqlCluster cluster, int id) throws SQLException {
        execute(cluster.leader(), "INSERT INTO ledger.entries VALUES (" + id + ")");
        cluster.awaitReplicationCaughtUp();
        execute(cluster.leader(), "SET sql_log_bin = 0", "DELETE FROM ledger.entries WHERE id = " + id, "SET sql_log_bin = 1");
    }

    private static void breakReplication(MySqlCluster cluster, int id) throws SQLException {
        rowOnlyTheFollowersHave(cluster, id);
        execute(cluster.leader(), "INSERT INTO ledger.entries VALUES (" + id + ")");
    }

    @Test
    void healFailsAtOnceNamingTheBrokenFollowerItsErrorAndTheTest(MySqlCluster cluster, Faults faults) throws SQLException {
        rowOnlyTheFollowersHave(cluster, 1);
        faults.isolate(2);
        execute(cluster.leader(), "INSERT INTO ledger.entries VALUES (1)"); // mysql-1 stops now, mysql-2 once healed

        // the catch-up timeout is 60 s: a heal that waited for it would hit this bound
        AssertionError broken = assertTimeoutPreemptively(Duration.ofSeconds(30),
                () -> assertThrows(AssertionError.class, faults::heal));

        assertTrue(broken.getMessage().matches("(?s).*replication on mysql-[12] stopped: its SQL thread failed with error 1062.*"),
                broken.getMessage());
        assertTrue(broken.getMessage().contains("RebuildAndHealTest.healFailsAtOnceNamingTheBrokenFollowerItsErrorAndTheTest"),
                broken.getMessage());
        cluster.rebuild(1);
        cluster.rebuild(2);
        cluster.assertConsistent();
    }

    @Test
    void rebuildGivesBackAConsistentFollowerWithItsIdentity(MySqlCluster cluster) throws SQLException {
        breakReplication(cluster, 2);
        cluster.rebuild(1);

        cluster.rebuild(2);

        assertTrue(cluster.replicaStatus(2).sqlRunning() && cluster.replicaStatus(2).lastSqlErrno() == 0,
                cluster.replicaStatus(2).summary());
        try (Connection rebuilt = cluster.pod(2).connection()) {
            assertEquals(102, Rows.serverId(rebuilt));
        }
        execute(cluster.leader(), "INSERT INTO ledger.entries VALUES (3)");
        cluster.assertConsistent();
        assertEquals(count(cluster.leader(), "ledger.entries"), count(cluster.pod(2), "ledger.entries"));
    }

    /**
     * A rebuilt pod is a new server with new replication: the pause and stopped replication in force on it end with
     * the rebuild, in the history too (a schedule waited forever for a pause that a fail-over's rebuild had ended).
     */
    @Test
    void aRebuildEndsThePauseAndStoppedReplicationOfThePod(MySqlCluster cluster, Faults faults) {
        faults.stopReplication(2);
        faults.pause(2);
        cluster.rebuild(2);

        assertTrue(faults.history().stream().allMatch(event -> event.ended() != null), faults.history().toString());
        assertTrue(cluster.pod(2).isReady());
        // Ready is the probe's SELECT 1; the new IO thread may still say "Connecting" for a moment
        await().atMost(Duration.ofSeconds(10)).untilAsserted(
                () -> assertTrue(cluster.replicaStatus(2).ioRunning(), cluster.replicaStatus(2).summary()));
    }

    @Test
    void rebuildRefusesTheLeaderAndOrdinalZero(MySqlCluster cluster) {
        IllegalArgumentException leader = assertThrows(IllegalArgumentException.class, () -> cluster.rebuild(0));
        assertTrue(leader.getMessage().contains("rebuild(0): mysql-0 is the leader"), leader.getMessage());
        IllegalArgumentException outside = assertThrows(IllegalArgumentException.class, () -> cluster.rebuild(3));
        assertTrue(outside.getMessage().contains("no pod with ordinal 3"), outside.getMessage());
    }
}
