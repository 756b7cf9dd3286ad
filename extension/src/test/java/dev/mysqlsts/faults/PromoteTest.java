package dev.mysqlsts.faults;

import static dev.mysqlsts.faults.Rows.count;
import static dev.mysqlsts.faults.Rows.execute;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mysqlsts.MySqlCluster;
import dev.mysqlsts.MySqlStatefulSet;
import dev.mysqlsts.Promotion;
import java.sql.SQLException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** promote(n) makes a follower the source: its writes reach every other pod, the old leader included. */
@MySqlStatefulSet(replicas = 3)
class PromoteTest {

    @Test
    void afterPromotingOrdinalOneItsWritesReachOrdinalTwoAndTheOldLeader(MySqlCluster cluster) throws SQLException {
        execute(cluster.leader(), "CREATE DATABASE bank", "CREATE TABLE bank.accounts (id INT PRIMARY KEY)",
                "INSERT INTO bank.accounts VALUES (1)");
        cluster.awaitReplicationCaughtUp();

        Promotion promotion = cluster.promote(1);

        assertEquals(1, promotion.newLeader());
        assertEquals(Map.of(), promotion.missingOnNewLeader(), "every pod had caught up before the promotion");
        assertEquals("mysql-1", cluster.leader().name());
        execute(cluster.pod(1), "INSERT INTO bank.accounts VALUES (2)");
        cluster.awaitReplicationCaughtUp();
        assertEquals(2, count(cluster.pod(2), "bank.accounts"));
        assertEquals(2, count(cluster.pod(0), "bank.accounts"));
        assertTrue(cluster.replicaStatus(2).ioRunning() && cluster.replicaStatus(0).ioRunning(),
                cluster.replicaStatus(2).summary() + " / " + cluster.replicaStatus(0).summary());
        SQLException oldLeaderRefuses = assertThrows(SQLException.class,
                () -> execute(cluster.pod(0), "INSERT INTO bank.accounts VALUES (3)"));
        assertEquals(1290, oldLeaderRefuses.getErrorCode(), "the old leader is read-only now");
        cluster.assertConsistent();
    }
}
