package dev.mysqlsts.faults;

import static dev.mysqlsts.faults.Rows.count;
import static dev.mysqlsts.faults.Rows.execute;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.mysqlsts.Faults;
import dev.mysqlsts.MySqlCluster;
import dev.mysqlsts.MySqlStatefulSet;
import dev.mysqlsts.Promotion;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** After a promotion the roles, not the ordinals, decide each pod's config, across crashes, deletes and scale-up. */
@MySqlStatefulSet(replicas = 3)
class PromoteCornersTest {

    @BeforeAll
    static void schema(MySqlCluster cluster) throws SQLException {
        execute(cluster.leader(), "CREATE DATABASE bank", "CREATE TABLE bank.moves (id INT AUTO_INCREMENT PRIMARY KEY)");
    }

    @Test
    void theOldLeaderStaysFencedAcrossKillAndDelete(MySqlCluster cluster, Faults faults) throws SQLException {
        cluster.promote(1);

        faults.kill(0);
        cluster.awaitReady();
        assertEquals(1290, assertThrows(SQLException.class,
                () -> execute(cluster.pod(0), "INSERT INTO bank.moves VALUES ()")).getErrorCode(),
                "after its crash restart the old leader is read-only: it came back with the follower's config");

        faults.deletePod(0);
        assertEquals(1290, assertThrows(SQLException.class,
                () -> execute(cluster.pod(0), "INSERT INTO bank.moves VALUES ()")).getErrorCode(),
                "after its delete the old leader is read-only");

        execute(cluster.pod(1), "INSERT INTO bank.moves VALUES ()");
        cluster.awaitReplicationCaughtUp();
        assertEquals(count(cluster.pod(1), "bank.moves"), count(cluster.pod(0), "bank.moves"),
                "the old leader replicates from the new one");
        cluster.assertConsistent();
    }

    @Test
    void scaleAfterAPromotionClonesFromThePreviousOrdinalAndFollowsTheNewLeader(MySqlCluster cluster) throws SQLException {
        execute(cluster.leader(), "INSERT INTO bank.moves VALUES ()");
        cluster.promote(1);
        execute(cluster.pod(1), "INSERT INTO bank.moves VALUES ()");

        cluster.scale(4);

        execute(cluster.pod(1), "INSERT INTO bank.moves VALUES ()");
        cluster.awaitReplicationCaughtUp();
        assertEquals(count(cluster.pod(1), "bank.moves"), count(cluster.pod(3), "bank.moves"));
        cluster.assertConsistent();
        cluster.scale(3);
    }

    @Test
    void healRemovesAReplicationDelayThatAPromotionKept(MySqlCluster cluster, Faults faults) {
        // nothing pending on mysql-2 when the delay starts, so that it can drain and follow the new source
        cluster.awaitReplicationCaughtUp();
        faults.delayReplication(2, Duration.ofSeconds(30));
        cluster.promote(1);
        assertEquals(30, cluster.replicaStatus(2).sqlDelaySeconds(), "CHANGE MASTER keeps the delay");

        faults.heal();

        assertEquals(0, cluster.replicaStatus(2).sqlDelaySeconds(), cluster.replicaStatus(2).summary());
    }

    @Test
    void aPodThePromotionCannotReachIsReportedUnreachableAndRebuiltByHand(MySqlCluster cluster, Faults faults)
            throws SQLException {
        faults.pause(2);

        Promotion promotion = cluster.promote(1);

        assertEquals(Set.of("mysql-2"), promotion.unreachable().keySet(), promotion.toString());
        assertEquals(Map.of(), promotion.missingOnNewLeader(), promotion.toString());
        faults.heal(); // thawed, it still follows the old source: the promotion never reached it

        cluster.rebuild(2);
        execute(cluster.pod(1), "INSERT INTO bank.moves VALUES ()");
        cluster.awaitReplicationCaughtUp();
        assertEquals(count(cluster.pod(1), "bank.moves"), count(cluster.pod(2), "bank.moves"));
    }

    @Test
    void aFollowerThatHadNotDrainedIsReportedBehindTheNewSourceAndRebuiltByHand(MySqlCluster cluster, Faults faults)
            throws SQLException {
        faults.stopReplication(2);
        execute(cluster.leader(), "INSERT INTO bank.moves VALUES ()");

        Promotion promotion = cluster.promote(1);

        assertEquals(Set.of("mysql-2"), promotion.behindNewLeader().keySet(), promotion.toString());
        assertEquals(Map.of(), promotion.missingOnNewLeader(), promotion.toString());
        faults.heal(); // the promotion's casualty is its finding: heal leaves it out instead of blaming the test
        // heal restarts its replication; MariaDB refuses it (error 1236) once its IO thread has reached the new source
        Awaitility.await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertEquals(1236,
                cluster.replicaStatus(2).lastIoErrno(), cluster.replicaStatus(2).summary()));

        cluster.rebuild(2);
        execute(cluster.pod(1), "INSERT INTO bank.moves VALUES ()");
        cluster.awaitReplicationCaughtUp();
        assertEquals(count(cluster.pod(1), "bank.moves"), count(cluster.pod(2), "bank.moves"));
    }
}
