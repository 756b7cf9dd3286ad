package dev.mysqlsts.faults;

import static dev.mysqlsts.faults.Rows.count;
import static dev.mysqlsts.faults.Rows.execute;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mysqlsts.Faults;
import dev.mysqlsts.MySqlCluster;
import dev.mysqlsts.MySqlStatefulSet;
import dev.mysqlsts.Promotion;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Promoting a follower that is behind names the transactions the other pods have and it lacks, and the promoted
 * pod does not pull them from the old source while it restarts.
 */
@MySqlStatefulSet(replicas = 3)
class PromoteReportsLostTransactionsTest {

    @Test
    void promotingALaggingFollowerReportsWhatItLacks(MySqlCluster cluster, Faults faults) throws SQLException {
        execute(cluster.leader(), "CREATE DATABASE shop", "CREATE TABLE shop.orders (id INT PRIMARY KEY)");
        cluster.awaitReplicationCaughtUp();
        faults.stopReplication(1);
        execute(cluster.leader(), "INSERT INTO shop.orders VALUES (1)", "INSERT INTO shop.orders VALUES (2)");

        Promotion promotion = cluster.promote(1);

        assertEquals(Set.of("mysql-0", "mysql-2"), promotion.missingOnNewLeader().keySet(), promotion.toString());
        assertEquals(1, promotion.missingOnNewLeader().get("mysql-2").size(), promotion.toString());
        assertTrue(promotion.missingOnNewLeader().get("mysql-2").get(0).matches("0-100-\\d+\\.\\.\\d+"), promotion.toString());
        assertEquals(Map.of(), promotion.unreachable(), "every pod answered");
        assertEquals(0, count(cluster.pod(1), "shop.orders"),
                "mysql-1 restarted as the source without pulling the rows it lacked from the old one");
        // MariaDB refuses a replica that has transactions its new source lacks: error 1236
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> cluster.replicaStatus(2).lastIoErrno() == 1236);

        // the way out: the old leader takes the role back (it has every transaction), the others are rebuilt from it
        cluster.promote(0);
        cluster.rebuild(1);
        cluster.rebuild(2);
        cluster.assertConsistent();
        assertEquals(2, count(cluster.pod(2), "shop.orders"));
    }
}
