package dev.mysqlsts.samples.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mysqlsts.FaultEvent;
import dev.mysqlsts.Faults;
import java.math.BigDecimal;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A load balancer resets every connection to the leader: the pool's connections are dead, and the service's retry
 * takes a new one. Replication is not touched: {@code faults.client(n)} acts on the application's path only.
 */
@OrdersServiceTest
class OrderRetryTest {

    @Autowired
    OrderService orders;

    @Test
    void anOrderIsTakenAfterEveryConnectionToTheLeaderWasReset(Faults faults) {
        long before = orders.count();
        orders.placeOrder("ivan", new BigDecimal("5.00")); // the write pool holds a connection to mysql-0 now

        faults.client(0).reset();
        orders.placeOrder("judy", new BigDecimal("6.00"));

        assertEquals(before + 2, orders.count());
        assertTrue(faults.history().stream().map(FaultEvent::kind).anyMatch("client-reset"::equals), faults.history().toString());
    }
}
