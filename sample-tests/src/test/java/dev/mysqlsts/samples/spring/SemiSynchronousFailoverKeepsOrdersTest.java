package dev.mysqlsts.samples.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.mysqlsts.Backend;
import dev.mysqlsts.Faults;
import dev.mysqlsts.MySqlCluster;
import dev.mysqlsts.MySqlStatefulSet;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * The same fail-over as {@link AsynchronousFailoverLosesOrdersTest}, with semi-synchronous replication
 * ({@code manifests/semi-sync}): once the leader is cut off, an order's commit waits for a follower's
 * acknowledgement and never returns, so the customer is never told "placed" for an order the new leader lacks. The
 * service gives up on such a commit after its socket timeout (5 s) and retries, on mysql-0 again until the promotion
 * is done (the hanging commits even keep the promotion from fencing it), then through the writer endpoint on mysql-1.
 * Every acknowledged order is on the new leader. Three pods, not two: the new leader's commits wait for a follower's
 * acknowledgement too, and with two pods its only follower would be the cut-off old leader (every write would hang
 * until the fault is healed). Its own cluster (another ConfigMap), so its own Spring context.
 */
@MySqlStatefulSet(replicas = 3, manifests = "classpath:manifests/semi-sync", backend = Backend.LOCAL)
@SpringBootTest
class SemiSynchronousFailoverKeepsOrdersTest {

    @Autowired
    OrderService orders;

    @Test
    void everyAcknowledgedOrderIsOnTheNewLeader(MySqlCluster cluster, Faults faults) throws Exception {
        List<Long> acknowledged = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            acknowledged.add(orders.placeOrder("before-" + i, BigDecimal.TEN));
        }
        cluster.awaitReplicationCaughtUp();

        faults.isolate(0);
        ExecutorService customer = Executors.newSingleThreadExecutor(r -> new Thread(r, "orders-customer"));
        try {
            Future<Long> waiting = customer.submit(() -> orders.placeOrder("during", BigDecimal.TEN));
            // not one look after a fixed sleep: the commit stays unanswered for 3 s (its socket timeout is 5 s)
            assertThrows(TimeoutException.class, () -> waiting.get(3, TimeUnit.SECONDS),
                    "the commit on the cut-off leader waits for a follower's acknowledgement");

            cluster.promote(1);
            acknowledged.add(waiting.get(90, TimeUnit.SECONDS)); // retried until the writer endpoint leads to mysql-1
        } finally {
            customer.shutdownNow();
        }

        for (long id : acknowledged) {
            assertEquals("1", OrderServiceWiringTest.single(cluster.pod(1), "SELECT COUNT(*) FROM shop.orders WHERE id = " + id),
                    "acknowledged order " + id + " on the new leader mysql-1");
        }
    }
}
