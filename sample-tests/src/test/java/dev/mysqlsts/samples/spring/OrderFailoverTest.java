package dev.mysqlsts.samples.spring;

import static dev.mysqlsts.samples.spring.OrderServiceWiringTest.single;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mysqlsts.MySqlCluster;
import java.math.BigDecimal;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A fail-over the application does not notice: the writer endpoint sends new connections to the new leader, and the
 * pool's connections still on the old one (read-only now: error 1290) are evicted and the write retried
 * ({@link EvictConnectionsOnReadOnly}). After the test the harness hands the leader role back to mysql-0.
 */
@OrdersServiceTest
class OrderFailoverTest {

    @Autowired
    OrderService orders;

    @Test
    void theNextOrderAfterPromoteLandsOnTheNewLeader(MySqlCluster cluster) throws SQLException {
        orders.placeOrder("kim", new BigDecimal("8.00"));
        cluster.awaitReplicationCaughtUp();

        cluster.promote(1);
        long id = orders.placeOrder("lee", new BigDecimal("9.00"));

        assertEquals("lee", single(cluster.pod(1), "SELECT customer FROM shop.orders WHERE id = " + id));
        assertEquals("0", single(cluster.pod(1), "SELECT @@read_only"), "mysql-1 leads now");
    }
}
