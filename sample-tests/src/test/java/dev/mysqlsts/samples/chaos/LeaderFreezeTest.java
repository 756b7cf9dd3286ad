package dev.mysqlsts.samples.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mysqlsts.Faults;
import dev.mysqlsts.MySqlCluster;
import dev.mysqlsts.MySqlStatefulSet;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Chaos experiment: the leader freezes (a long GC pause, a stuck disk). Hypothesis: followers notice within
 * seconds (their IO thread reconnects), reads from followers keep working, and after the leader resumes
 * replication carries on.
 */
@MySqlStatefulSet(replicas = 3)
class LeaderFreezeTest {

    @Test
    void followersNoticeAFrozenLeaderAndRecoverWhenItResumes(MySqlCluster cluster, Faults faults) throws SQLException {
        Sql.run(cluster.leader(), "CREATE DATABASE orders", "CREATE TABLE orders.items (id INT PRIMARY KEY)",
                "INSERT INTO orders.items VALUES (1)");
        cluster.awaitReplicationCaughtUp();

        faults.pause(0);

        // the freeze must end before the kubelet decides to restart mysql-0 on K3S: its liveness probe (every 10 s,
        // timeout 5 s, 3 failures) decides 25 s after the first probe that meets the frozen server, so the waits
        // below stay within 22 s: 4 s net timeout and 2 s heartbeats, then three 2 s readiness periods and a timeout
        Awaitility.await("mysql-1 to notice the frozen leader").atMost(Duration.ofSeconds(12))
                .until(() -> !cluster.replicaStatus(1).ioRunning());
        // LOCAL runs the probe now; on K3S isReady() is the kubelet's verdict, after three probe timeouts
        Awaitility.await("mysql-0 to fail its readiness probe").atMost(Duration.ofSeconds(10))
                .until(() -> !cluster.leader().isReady());
        try (Connection follower = cluster.pod(2).connection(); Statement sql = follower.createStatement()) {
            assertTrue(sql.executeQuery("SELECT 1 FROM orders.items WHERE id = 1").next(), "followers still serve reads");
        }

        faults.resume(0);
        Sql.run(cluster.leader(), "INSERT INTO orders.items VALUES (2)");
        cluster.awaitReplicationCaughtUp(Duration.ofSeconds(30));
        assertEquals(2, Sql.count(cluster.pod(1), "orders.items"));
    }
}
