package dev.mysqlsts.samples.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mysqlsts.Faults;
import dev.mysqlsts.MySqlCluster;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The verdict a team needs before it trusts its fail-over: which acknowledged orders does it lose? With asynchronous
 * replication, every order the isolated leader acknowledged after it lost its followers: the customer was told
 * "placed", and the new leader never had it. {@link SemiSynchronousFailoverKeepsOrdersTest} is the counterpart.
 */
@OrdersServiceTest
class AsynchronousFailoverLosesOrdersTest {

    @Autowired
    OrderService orders;

    @Test
    void ordersAcknowledgedByAnIsolatedLeaderAreMissingOnTheNewLeader(MySqlCluster cluster, Faults faults) throws Exception {
        List<Long> beforeIsolation = place(5, "before");
        cluster.awaitReplicationCaughtUp();

        faults.isolate(0);                                  // replication is cut; the application still reaches mysql-0
        List<Long> acknowledgedAlone = place(5, "alone");  // acknowledged by mysql-0, which no follower hears
        cluster.promote(1);

        List<Long> missing = new ArrayList<>();
        for (long id : concat(beforeIsolation, acknowledgedAlone)) {
            if (OrderServiceWiringTest.single(cluster.pod(1), "SELECT COUNT(*) FROM shop.orders WHERE id = " + id).equals("0")) {
                missing.add(id);
            }
        }
        assertEquals(acknowledgedAlone, missing, "acknowledged orders missing on the new leader mysql-1");
    }

    private List<Long> place(int count, String customer) {
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ids.add(orders.placeOrder(customer + "-" + i, BigDecimal.TEN));
        }
        return ids;
    }

    private static List<Long> concat(List<Long> first, List<Long> second) {
        List<Long> all = new ArrayList<>(first);
        all.addAll(second);
        return all;
    }
}
