package dev.mysqlsts.faults;

import static dev.mysqlsts.faults.Rows.execute;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.mysqlsts.Faults;
import dev.mysqlsts.MySqlCluster;
import dev.mysqlsts.MySqlStatefulSet;
import dev.mysqlsts.cluster.StatefulSetCluster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;
import org.junit.platform.testkit.engine.Events;

/**
 * A class whose cluster the harness cannot repair ends: the breaking test fails with the reason, the class's other
 * tests fail at once, the cluster closes (its servers and threads gone) although the test left a writer running,
 * and the run returns.
 */
class RepairFailureEndsTheClassTest {

    /** Far above the class's run (about 20 s here); only a hang reaches it. */
    private static final Duration HANG_GUARD = Duration.ofMinutes(4);

    @MySqlStatefulSet(replicas = 2)
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    static class Experiments {

        static volatile String clusterName;
        static volatile Path leaderVolume;
        static volatile boolean writing = true;
        static final AtomicLong attempts = new AtomicLong();

        @Test
        @Order(1)
        void losesTheLeadersVolumeAndCrashesIt(MySqlCluster cluster, Faults faults) throws Exception {
            clusterName = ((StatefulSetCluster) cluster).statefulSet().name();
            execute(cluster.leader(), "CREATE DATABASE lost", "CREATE TABLE lost.rows (id BIGINT PRIMARY KEY)");
            // left running, on the common pool as users write it: it must not keep the class from ending
            CompletableFuture.runAsync(() -> {
                while (writing) {
                    long id = attempts.incrementAndGet();
                    try (Connection leader = cluster.leader().connection(); Statement sql = leader.createStatement()) {
                        sql.execute("INSERT INTO lost.rows VALUES (" + id + ")");
                    } catch (SQLException | RuntimeException e) {
                        pause();
                    }
                }
            });
            leaderVolume = Path.of(datadir(cluster));
            // the volume is gone (a disk lost), and the server crashes: no restart can bring ordinal 0 back, and
            // no rebuild either (ordinal 0 has no previous ordinal to clone from)
            deleteRecursively(leaderVolume);
            Files.writeString(leaderVolume, "not a data directory");
            faults.kill(0);
        }

        @Test
        @Order(2)
        void runsNoMore(MySqlCluster cluster) {
            assertEquals(2, cluster.replicas());
        }

        @Test
        @Order(3)
        void runsNoMoreEither(MySqlCluster cluster) {
            assertEquals(2, cluster.replicas());
        }

        private static String datadir(MySqlCluster cluster) throws SQLException {
            try (Connection leader = cluster.leader().connection(); Statement sql = leader.createStatement();
                 ResultSet row = sql.executeQuery("SELECT @@datadir")) {
                row.next();
                return row.getString(1);
            }
        }

        private static void pause() {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private static void deleteRecursively(Path dir) throws IOException {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path file : files.sorted((a, b) -> b.compareTo(a)).toList()) {
                    Files.delete(file);
                }
            }
        }
    }

    @Test
    void aClassWhoseRepairFailsEndsWithItsOtherTestsFailedAtOnceAndItsClusterClosed() {
        long started = System.nanoTime();
        Events tests;
        try {
            tests = assertTimeoutPreemptively(HANG_GUARD, () -> EngineTestKit.engine("junit-jupiter")
                    .selectors(selectClass(Experiments.class))
                    .configurationParameter("mysqlsts.backend", "local")
                    .configurationParameter("mysqlsts.keepFailedClusters", "false")
                    .execute().testEvents(), "the class did not end after its repair failed");
        } finally {
            Experiments.writing = false;
        }
        System.out.printf("RepairFailureEndsTheClassTest: the class ended and its cluster closed in %d ms (the "
                + "writer it left running tried %d writes)%n", (System.nanoTime() - started) / 1_000_000,
                Experiments.attempts.get());

        tests.assertStatistics(stats -> stats.started(3).failed(3));
        List<String> failures = tests.failed().list().stream().map(RepairFailureEndsTheClassTest::message).toList();
        assertTrue(failures.get(0).contains("could not repair") && failures.get(0).contains("mysql-0"), failures.get(0));
        for (String later : failures.subList(1, 3)) {
            assertTrue(later.contains("broken by Experiments.losesTheLeadersVolumeAndCrashesIt"), later);
        }
        HarnessThreads.awaitNoneLeft(Experiments.clusterName);
        Path clusterDir = Experiments.leaderVolume.getParent().getParent();
        assertFalse(Files.exists(clusterDir), clusterDir + " is removed with the cluster");
        assertEquals(List.of(), ProcessHandle.allProcesses()
                .filter(process -> process.info().arguments().map(List::of).orElse(List.of()).stream()
                        .anyMatch(argument -> argument.contains(clusterDir.toString())))
                .map(process -> process.pid() + " " + process.info().commandLine().orElse(""))
                .toList(), "no server of the cluster runs");
    }

    private static String message(Event event) {
        return event.getTestDescriptor().getDisplayName() + ": " + event.getPayload(TestExecutionResult.class)
                .flatMap(TestExecutionResult::getThrowable).map(Throwable::getMessage).orElse("");
    }
}
