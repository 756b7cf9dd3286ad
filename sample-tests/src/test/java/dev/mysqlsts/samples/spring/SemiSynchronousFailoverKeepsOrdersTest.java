package dev.mysqlsts.samples.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * The same fail-over as {@link AsynchronousFailoverLosesOrdersTest}, with semi-synchronous replication
 * ({@code manifests/semi-sync}): once the leader is cut off, an order's commit waits for a follower's
 * acknowledgement and never returns, so the customer is never told "placed" for an order the new leader lacks. The
 * promotion breaks the waiting connection; the service retries through the writer endpoint, now on mysql-1. Every
 * acknowledged order is on the new leader. Its own cluster (another ConfigMap), so its own Spring context.
 */
@MySqlStatefulSet(replicas = 2, manifests = "classpath:manifests/semi-sync", backend = Backend.LOCAL)
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
            Thread.sleep(1_000);
            assertTrue(!waiting.isDone(), "the commit on the cut-off leader waits for a follower's acknowledgement");

            cluster.promote(1);
            acknowledged.add(waiting.get(60, TimeUnit.SECONDS)); // retried on the new leader after the promotion
        } finally {
            customer.shutdownNow();
        }

        for (long id : acknowledged) {
            assertEquals("1", OrderServiceWiringTest.single(cluster.pod(1), "SELECT COUNT(*) FROM shop.orders WHERE id = " + id),
                    "acknowledged order " + id + " on the new leader mysql-1");
        }
    }
}
