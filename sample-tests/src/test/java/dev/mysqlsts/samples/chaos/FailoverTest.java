package dev.mysqlsts.samples.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mysqlsts.Backend;
import dev.mysqlsts.Faults;
import dev.mysqlsts.MySqlCluster;
import dev.mysqlsts.MySqlStatefulSet;
import dev.mysqlsts.Promotion;
import java.sql.SQLException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Chaos experiment: the leader is cut off from its followers, and an operator fails over to mysql-1.
 * Hypothesis: with every follower caught up first, nothing is lost, writes on the new leader reach the others,
 * and the old leader rejoins as a read-only follower once the network heals.
 */
// LOCAL: promote(n) restarts one pod with the leader's config, which a StatefulSet cannot do (on K3S it throws)
@MySqlStatefulSet(replicas = 3, backend = Backend.LOCAL)
class FailoverTest {

    @Test
    void failingOverToACaughtUpFollowerLosesNothing(MySqlCluster cluster, Faults faults) throws SQLException {
        Sql.run(cluster.leader(), "CREATE DATABASE payments", "CREATE TABLE payments.ledger (id INT PRIMARY KEY)",
                "INSERT INTO payments.ledger VALUES (1), (2)");
        cluster.awaitReplicationCaughtUp();
        faults.isolate(0);

        Promotion promotion = cluster.promote(1);

        assertEquals(Map.of(), promotion.missingOnNewLeader());
        Sql.run(cluster.leader(), "INSERT INTO payments.ledger VALUES (3)");
        faults.heal();
        assertEquals(3, Sql.count(cluster.pod(0), "payments.ledger"), "the old leader follows the new one");
        assertEquals(3, Sql.count(cluster.pod(2), "payments.ledger"));
        cluster.assertConsistent();
    }
}
