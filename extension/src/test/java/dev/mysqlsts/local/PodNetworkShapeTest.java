package dev.mysqlsts.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mysqlsts.backend.LinkShape;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What a byte from one pod to another suffers when link faults are on either pod, as if each pod had an interface
 * of its own: the sender's egress and the receiver's ingress.
 */
class PodNetworkShapeTest {

    private static final long MS = 1_000_000;

    private final PodNetwork network = new PodNetwork("shape-test", n -> new InetSocketAddress("127.0.0.1", 1),
            n -> "mysql-" + n, () -> 0, () -> 3, n -> true);

    @AfterEach
    void close() {
        network.close();
    }

    @Test
    void aPodsLinkFaultsShapeBothDirectionsOfItsLinksAndNoOtherLink() {
        network.loss(2, 0.3);
        network.jitter(2, Duration.ofMillis(100), Duration.ofMillis(20));

        for (LinkShape shape : List.of(network.shape(0, 2), network.shape(2, 0), network.shape(1, 2))) {
            assertEquals(0.3, shape.lossProbability(), 1e-12);
            assertEquals(100 * MS, shape.delayNanos());
            assertEquals(20 * MS, shape.jitterNanos());
        }
        assertTrue(network.shape(0, 1).isClear(), "mysql-0 <-> mysql-1 is not touched");
        assertTrue(network.shape(1, 0).isClear());
    }

    @Test
    void betweenTwoFaultyPodsLossesCompoundDelaysAddAndBothLimitsApply() {
        network.loss(0, 0.5);
        network.loss(1, 0.2);
        network.jitter(0, Duration.ofMillis(30), Duration.ofMillis(10));
        network.jitter(1, Duration.ofMillis(50), Duration.ofMillis(5));
        network.bandwidth(0, 1_000_000);
        network.bandwidth(1, 500_000);

        LinkShape zeroToOne = network.shape(0, 1);
        assertEquals(1 - 0.5 * 0.8, zeroToOne.lossProbability(), 1e-12);
        assertEquals(80 * MS, zeroToOne.delayNanos());
        assertEquals(15 * MS, zeroToOne.jitterNanos());
        assertEquals(List.of(1_000_000L, 500_000L), zeroToOne.buckets().stream().map(b -> b.bytesPerSecond()).toList(),
                "mysql-0's egress, then mysql-1's ingress");
        assertSame(zeroToOne.buckets().get(0), network.shape(0, 2).buckets().get(0),
                "one egress bucket for all of mysql-0's links: they share its bandwidth");
    }

    @Test
    void aLossOf100PercentIsCertainAndRestoreAllClearsEverything() {
        network.loss(1, 1.0);
        assertEquals(1.0, network.shape(0, 1).lossProbability());
        network.bandwidth(1, 10_000);

        network.restoreAll();

        assertTrue(network.shape(0, 1).isClear());
        assertTrue(network.shape(1, 0).isClear());
    }
}
