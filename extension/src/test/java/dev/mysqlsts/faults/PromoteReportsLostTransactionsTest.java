package dev.mysqlsts.faults;

import static dev.mysqlsts.faults.Rows.execute;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mysqlsts.Faults;
import dev.mysqlsts.MySqlCluster;
import dev.mysqlsts.MySqlStatefulSet;
import dev.mysqlsts.Promotion;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Set;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** Promoting a follower that is behind names the transactions the other pods have and it lacks. */
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
        assertTrue(promotion.missingOnNewLeader().get("mysql-2").matches("0-100-\\d+\\.\\.\\d+"), promotion.toString());
        // MariaDB refuses a replica that has transactions its new source lacks: error 1236
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> cluster.replicaStatus(2).lastIoErrno() == 1236);
    }
}
