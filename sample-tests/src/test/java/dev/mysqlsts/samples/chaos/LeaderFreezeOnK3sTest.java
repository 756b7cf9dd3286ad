package dev.mysqlsts.samples.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mysqlsts.Backend;
import dev.mysqlsts.Faults;
import dev.mysqlsts.MySqlCluster;
import dev.mysqlsts.MySqlStatefulSet;
import dev.mysqlsts.samples.RequiresDocker;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The experiment of {@link LeaderFreezeTest}, on k3s: mysqld of mysql-0 is stopped with SIGSTOP from the node,
 * its followers' IO threads notice within their short net timeout, and the kubelet turns the pod NotReady once
 * its exec probe has timed out three times in a row (every 2 s in the seed). On LOCAL {@code isReady()} runs the
 * probe at once; on K3S it is the kubelet's verdict, so this version waits for it (the only difference). The
 * freeze stays under the liveness probe's budget (30 s), so the kubelet does not restart mysql-0.
 */
@RequiresDocker
@MySqlStatefulSet(replicas = 3, backend = Backend.K3S)
class LeaderFreezeOnK3sTest extends LeaderFreezeTest {

    @Test
    @Override
    void followersNoticeAFrozenLeaderAndRecoverWhenItResumes(MySqlCluster cluster, Faults faults) throws SQLException {
        Sql.run(cluster.leader(), "CREATE DATABASE orders", "CREATE TABLE orders.items (id INT PRIMARY KEY)",
                "INSERT INTO orders.items VALUES (1)");
        cluster.awaitReplicationCaughtUp();

        faults.pause(0);

        Awaitility.await("mysql-1 to notice the frozen leader").atMost(Duration.ofSeconds(30))
                .until(() -> !cluster.replicaStatus(1).ioRunning());
        Awaitility.await("the kubelet to find mysql-0 NotReady").atMost(Duration.ofSeconds(20))
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
