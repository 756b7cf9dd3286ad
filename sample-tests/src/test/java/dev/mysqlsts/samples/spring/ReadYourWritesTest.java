package dev.mysqlsts.samples.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import dev.mysqlsts.Faults;
import dev.mysqlsts.MySqlCluster;
import java.math.BigDecimal;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;

/**
 * The read-your-writes bug, caught and fixed. A customer places an order and the page that follows reads it back
 * through a read-only transaction, which the service sends to the read endpoint: while the followers lag, the order
 * is not there. {@link OrderService#placeOrderAndReadBack} is the fix: it reads the order in the transaction that
 * wrote it, on the leader.
 */
@OrdersServiceTest
class ReadYourWritesTest {

    @Autowired
    OrderService orders;

    @Autowired
    @Qualifier("readPool")
    HikariDataSource readPool;

    @Test
    void aReadRightAfterTheWriteMissesItWhileTheFollowersLag(MySqlCluster cluster, Faults faults) {
        orders.placeOrder("warm-up", BigDecimal.ONE); // the write pool holds a connection to the leader
        cluster.awaitReplicationCaughtUp();
        faults.delayReplication(1, Duration.ofSeconds(5));
        faults.delayReplication(2, Duration.ofSeconds(5));
        // The read Service then sends new connections to the followers only, as a read Service of replicas does;
        // the read pool lets go of the connections it had, wherever they went.
        faults.breakReadiness(0);
        readPool.getHikariPoolMXBean().softEvictConnections();

        long id = orders.placeOrder("grace", new BigDecimal("30.00"));

        assertTrue(orders.findOrder(id).isEmpty(), "order " + id + " was read back from a follower 5 s behind the leader");
        assertEquals("heidi", orders.placeOrderAndReadBack("heidi", new BigDecimal("7.00")).customer(),
                "the fix reads its own write on the leader");
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> orders.findOrder(id).isPresent());
    }
}
