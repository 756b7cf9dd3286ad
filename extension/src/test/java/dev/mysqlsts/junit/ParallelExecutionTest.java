package dev.mysqlsts.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.mysqlsts.MySqlCluster;
import dev.mysqlsts.MySqlStatefulSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineTestKit;

/**
 * With JUnit's parallel mode on, two classes run their clusters at the same time, and the methods of one class never
 * run at the same time on its cluster (the lock {@code @MySqlStatefulSet} applies).
 */
class ParallelExecutionTest {

    /** Counted down by the first method of each class, which waits for the other class's. */
    static final CountDownLatch BOTH_CLASSES_RUNNING = new CountDownLatch(2);
    static final Map<String, AtomicInteger> IN_FLIGHT = new ConcurrentHashMap<>();
    static final Set<String> OVERLAPS = ConcurrentHashMap.newKeySet();
    static final Set<String> FIRST_SEEN = ConcurrentHashMap.newKeySet();
    static final Map<String, String> CLUSTERS = new ConcurrentHashMap<>();

    /**
     * The first method of each class waits (at most 2 minutes) until the other class runs too: with the classes run
     * one after the other it times out. Then each method stays 3 s and watches for another method of its class.
     */
    static void visit(String testClass, MySqlCluster cluster) throws InterruptedException {
        CLUSTERS.put(testClass, cluster.toString());
        if (FIRST_SEEN.add(testClass)) {
            BOTH_CLASSES_RUNNING.countDown();
            if (!BOTH_CLASSES_RUNNING.await(2, TimeUnit.MINUTES)) {
                throw new AssertionError(testClass + " ran alone: the other class's cluster was never up at the same time");
            }
        }
        AtomicInteger inFlight = IN_FLIGHT.computeIfAbsent(testClass, c -> new AtomicInteger());
        inFlight.incrementAndGet();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
            while (System.nanoTime() < deadline) {
                if (inFlight.get() > 1) {
                    OVERLAPS.add(testClass);
                }
                Thread.sleep(20);
            }
        } finally {
            inFlight.decrementAndGet();
        }
    }

    @MySqlStatefulSet(replicas = 1)
    static class Orders {
        @Test
        void one(MySqlCluster cluster) throws InterruptedException {
            visit("Orders", cluster);
        }

        @Test
        void two(MySqlCluster cluster) throws InterruptedException {
            visit("Orders", cluster);
        }
    }

    @MySqlStatefulSet(replicas = 1)
    static class Payments {
        @Test
        void one(MySqlCluster cluster) throws InterruptedException {
            visit("Payments", cluster);
        }

        @Test
        void two(MySqlCluster cluster) throws InterruptedException {
            visit("Payments", cluster);
        }
    }

    @Test
    void classesRunTheirClustersAtOnceAndEachClassRunsItsMethodsOneAtATime() {
        EngineTestKit.engine("junit-jupiter").selectors(selectClass(Orders.class), selectClass(Payments.class))
                .configurationParameter("mysqlsts.backend", "local")
                .configurationParameter("mysqlsts.keepFailedClusters", "false")
                .configurationParameter("junit.jupiter.execution.parallel.enabled", "true")
                .configurationParameter("junit.jupiter.execution.parallel.mode.default", "concurrent")
                .configurationParameter("junit.jupiter.execution.parallel.mode.classes.default", "concurrent")
                .configurationParameter("junit.jupiter.execution.parallel.config.strategy", "fixed")
                .configurationParameter("junit.jupiter.execution.parallel.config.fixed.parallelism", "4")
                .execute().testEvents()
                .assertStatistics(stats -> stats.started(4).failed(0).succeeded(4));
        assertEquals(Set.of(), OVERLAPS, "classes whose methods ran at the same time on their one cluster");
        assertEquals(Set.of("Orders", "Payments"), CLUSTERS.keySet());
        assertNotEquals(CLUSTERS.get("Orders"), CLUSTERS.get("Payments"), "each class has a cluster of its own");
        assertEquals(0, BOTH_CLASSES_RUNNING.getCount(), "both classes ran at the same time");
    }
}
