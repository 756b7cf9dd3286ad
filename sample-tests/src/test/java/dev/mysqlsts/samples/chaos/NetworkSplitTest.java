package dev.mysqlsts.samples.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mysqlsts.Faults;
import dev.mysqlsts.MySqlCluster;
import dev.mysqlsts.MySqlStatefulSet;
import java.sql.SQLException;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Chaos experiment: the network splits the leader and one follower from two other followers. Hypothesis: the
 * leader keeps accepting writes, the cut-off followers serve stale reads (asynchronous replication promises
 * nothing else), their replica status shows the broken link, and after the split heals they converge.
 */
@MySqlStatefulSet(replicas = 4)
class NetworkSplitTest {

    @Test
    void cutOffFollowersServeStaleReadsThenConvergeAfterTheSplitHeals(MySqlCluster cluster, Faults faults)
            throws SQLException {
        Sql.run(cluster.leader(), "CREATE DATABASE stock", "CREATE TABLE stock.moves (id INT PRIMARY KEY)");
        cluster.awaitReplicationCaughtUp();

        faults.partition(0, 1);                       // mysql-0 and mysql-1 | mysql-2 and mysql-3
        Sql.run(cluster.leader(), "INSERT INTO stock.moves VALUES (1), (2), (3)");

        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> Sql.count(cluster.pod(1), "stock.moves") == 3);
        assertEquals(0, Sql.count(cluster.pod(2), "stock.moves"), "a stale read on the far side");
        assertEquals(0, Sql.count(cluster.pod(3), "stock.moves"), "a stale read on the far side");
        Awaitility.await("the cut to show in mysql-3's replica status").atMost(Duration.ofSeconds(30))
                .until(() -> !cluster.replicaStatus(3).ioRunning());

        faults.heal();
        assertEquals(3, Sql.count(cluster.pod(2), "stock.moves"));
        assertEquals(3, Sql.count(cluster.pod(3), "stock.moves"));
        cluster.assertConsistent();
    }
}
