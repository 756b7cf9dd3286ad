package dev.mysqlsts.faults;

import static dev.mysqlsts.faults.Rows.count;
import static dev.mysqlsts.faults.Rows.execute;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.mysqlsts.Faults;
import dev.mysqlsts.MySqlCluster;
import dev.mysqlsts.MySqlPod;
import dev.mysqlsts.MySqlStatefulSet;
import dev.mysqlsts.cluster.StatefulSetCluster;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.ForkJoinPool;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

/**
 * The harness runs on threads of its own: while a test keeps every worker of the common pool busy (as a writer loop
 * started with {@code CompletableFuture.runAsync} does), crashed pods are restarted, paused ones healed, deleted ones
 * recreated, the repair between tests restarts what a test left crashed, and the cluster closes. On JDK 25, a harness
 * that waited on the common pool (crash restarts through {@code Process.onExit()} and
 * {@code CompletableFuture.delayedExecutor}, stops through {@code runAsync}) never restarted a killed pod and hung
 * in its close.
 */
class BusyCommonPoolTest {

    /** Far above the class's run (about 30 s here); only a harness that waits on the busy pool reaches it. */
    private static final Duration HANG_GUARD = Duration.ofMinutes(4);
    private static final Duration BACK_READY = Duration.ofSeconds(60);

    // GTID replication: the seed's file/position replication may apply a transaction twice after a crash (see the
    // sample FollowerCrashUnderContinuousWritesTest), which is not what this class is about
    @MySqlStatefulSet(replicas = 3, manifests = "classpath:manifests-fixtures/gtid-sidecar")
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    static class Experiments {

        static volatile String clusterName;

        @Test
        @Order(1)
        void aKilledFollowerComesBackAndCatchesUp(MySqlCluster cluster, Faults faults) throws SQLException {
            clusterName = ((StatefulSetCluster) cluster).statefulSet().name();
            execute(cluster.leader(), "CREATE DATABASE busy", "CREATE TABLE busy.rows (id INT PRIMARY KEY)",
                    "INSERT INTO busy.rows VALUES (1)");
            faults.kill(2);
            awaitReady(cluster.pod(2));
            execute(cluster.leader(), "INSERT INTO busy.rows VALUES (2)");
            cluster.awaitReplicationCaughtUp();
            assertEquals(2, count(cluster.pod(2), "busy.rows"));
        }

        @Test
        @Order(2)
        void aKilledLeaderComesBackAndAPausedFollowerIsHealed(MySqlCluster cluster, Faults faults) throws SQLException {
            faults.kill(0);
            awaitReady(cluster.pod(0));
            faults.pause(1);
            execute(cluster.leader(), "INSERT INTO busy.rows VALUES (3)");
            faults.heal();
            assertEquals(3, count(cluster.pod(1), "busy.rows"));
            assertEquals(3, count(cluster.pod(2), "busy.rows"));
        }

        @Test
        @Order(3)
        void aDeletedPodIsRecreatedAndACrashIsLeftToTheRepair(MySqlCluster cluster, Faults faults) throws SQLException {
            faults.deletePod(1);
            assertTrue(cluster.pod(1).isReady());
            faults.kill(2); // not waited for: the harness restarts it before the next test
        }

        @Test
        @Order(4)
        void startsReadyAndReplicating(MySqlCluster cluster) throws SQLException {
            cluster.pods().forEach(pod -> assertTrue(pod.isReady(), pod.name() + " is Ready"));
            execute(cluster.leader(), "INSERT INTO busy.rows VALUES (4)");
            cluster.awaitReplicationCaughtUp();
            for (MySqlPod pod : cluster.pods()) {
                assertEquals(4, count(pod, "busy.rows"), pod.name());
            }
        }

        /** Bounded here (not the harness's 120 s), so a harness that never restarts the pod fails sooner. */
        private static void awaitReady(MySqlPod pod) {
            Awaitility.await(pod.name() + " Ready again").atMost(BACK_READY).pollInterval(Duration.ofMillis(100))
                    .until(pod::isReady);
        }
    }

    @Test
    void crashedPodsComeBackAndTheClusterClosesWhileEveryCommonPoolWorkerIsBusy() {
        long started = System.nanoTime();
        Events tests;
        try (BusyCommonPool pool = new BusyCommonPool()) {
            tests = assertTimeoutPreemptively(HANG_GUARD, () -> EngineTestKit.engine("junit-jupiter")
                    .selectors(selectClass(Experiments.class))
                    .configurationParameter("mysqlsts.backend", "local")
                    .configurationParameter("mysqlsts.keepFailedClusters", "false")
                    .execute().testEvents(), "the class did not end: the harness waits on the busy common pool");
            assertTrue(pool.starved(), "a common-pool worker was free during the run: the test did not keep all "
                    + ForkJoinPool.getCommonPoolParallelism() + " busy");
        }
        System.out.printf("BusyCommonPoolTest: the class ran and its cluster closed in %d ms with %d common-pool "
                + "worker(s) busy, on JDK %s%n", (System.nanoTime() - started) / 1_000_000,
                ForkJoinPool.getCommonPoolParallelism(), Runtime.version());
        tests.failed().list().forEach(event -> System.out.println("failed: " + event.getTestDescriptor().getDisplayName()
                + ": " + event.getPayload(TestExecutionResult.class).flatMap(TestExecutionResult::getThrowable)
                .map(Throwable::toString).orElse("")));
        tests.assertStatistics(stats -> stats.started(4).succeeded(4));
        HarnessThreads.awaitNoneLeft(Experiments.clusterName);
    }
}
