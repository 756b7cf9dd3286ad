package dev.mysqlsts.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.mysqlsts.FaultEvent;
import dev.mysqlsts.Faults;
import dev.mysqlsts.Ledger;
import dev.mysqlsts.MySqlCluster;
import dev.mysqlsts.MySqlStatefulSet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.engine.OutputDirectoryCreator;
import org.junit.platform.engine.TestDescriptor;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.reporting.FileEntry;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;

/**
 * Each test that used faults or a ledger gets an HTML timeline: written under target/mysqlsts, published to the
 * test report, a lane per pod and a band per fault of the history; a failing test's message names it and the
 * seed, and {@code mysqlsts.chaos.seed} replays a schedule.
 */
class TimelineTest {

    static final long REPLAYED_SEED = 4;
    static final long WRITTEN_SEED = 1;
    static final Duration LENGTH = Duration.ofSeconds(10);
    static final Map<String, List<FaultEvent>> HISTORY = new ConcurrentHashMap<>();

    @MySqlStatefulSet(replicas = 3)
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    static class Experiments {

        @Test
        @Order(1)
        void faultsUnderALedger(Ledger ledger, Faults faults, MySqlCluster cluster) {
            ledger.start(2);
            awaitMoreRows(cluster);
            faults.pause(1);
            awaitMoreRows(cluster);
            faults.resume(1);
            faults.cut(0, 2);
            awaitMoreRows(cluster);
            faults.partition(2);
            faults.latency(1, Duration.ofMillis(50));
            awaitMoreRows(cluster);
            faults.heal();
            ledger.stop().assertNoAcknowledgedWriteLost();
            HISTORY.put("faultsUnderALedger", faults.history());
        }

        @Test
        @Order(2)
        void aReplayedScheduleThatFails(Faults faults) {
            faults.schedule(WRITTEN_SEED, LENGTH);
            int steps = ChaosPlan.plan(REPLAYED_SEED, LENGTH, 3, 0).size();
            Awaitility.await().atMost(LENGTH.plusSeconds(90)).pollInterval(Duration.ofMillis(200)).until(() ->
                    faults.history().size() >= steps && faults.history().stream().allMatch(e -> e.ended() != null));
            HISTORY.put("aReplayedScheduleThatFails", faults.history());
            fail("the experiment's own verdict");
        }

        private static void awaitMoreRows(MySqlCluster cluster) {
            long now = Pods.ledgerRows(cluster.pod(0));
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> Pods.ledgerRows(cluster.pod(0)) >= now + 10);
        }
    }

    @Test
    void timelinesAreWrittenPublishedAndNamedInFailures(@TempDir Path reports) throws IOException {
        assertNotEquals(kinds(ChaosPlan.plan(WRITTEN_SEED, LENGTH, 3, 0)), kinds(ChaosPlan.plan(REPLAYED_SEED, LENGTH, 3, 0)),
                "the two seeds must differ for the replay to show");
        Path timelines = Path.of("target", "mysqlsts", Experiments.class.getName());
        removeTree(timelines); // an earlier run's timelines would pass every check below
        HISTORY.clear();
        EngineExecutionResults results = EngineTestKit.engine("junit-jupiter").selectors(selectClass(Experiments.class))
                .configurationParameter("mysqlsts.backend", "local")
                .configurationParameter("mysqlsts.keepFailedClusters", "false")
                .configurationParameter("mysqlsts.chaos.seed", Long.toString(REPLAYED_SEED))
                .outputDirectoryCreator(into(reports))
                .execute();
        results.testEvents().assertStatistics(stats -> stats.started(2).succeeded(1).failed(1));

        Path passed = timelines.resolve("faultsUnderALedger.html");
        Path failed = timelines.resolve("aReplayedScheduleThatFails.html");
        for (Path timeline : List.of(passed, failed)) {
            String html = Files.readString(timeline);
            assertEquals(3, count(html, "class=\"lane\""), timeline + " has a lane per pod");
            List<FaultEvent> history = HISTORY.get(timeline.getFileName().toString().replace(".html", ""));
            assertTrue(history.size() >= 3, history.toString());
            for (FaultEvent event : history) {
                for (String pod : podsOf(event)) {
                    assertTrue(html.contains("data-kind=\"" + event.kind() + "\" data-pod=\"" + pod + "\""),
                            timeline + " has no band for " + event + " on " + pod);
                }
            }
        }
        assertTrue(Files.readString(passed).contains("acknowledged"), "the write lane");

        List<String> published = results.allEvents().fileEntryPublished().stream()
                .map(e -> e.getRequiredPayload(FileEntry.class).getPath().getFileName().toString()).sorted().toList();
        assertEquals(List.of("aReplayedScheduleThatFails.html", "faultsUnderALedger.html"), published);

        String message = failure(results);
        assertTrue(message.startsWith("the experiment's own verdict"), message);
        assertTrue(message.contains("chaos seed " + REPLAYED_SEED + " (replay: -Dmysqlsts.chaos.seed=" + REPLAYED_SEED + ")"),
                message);
        assertTrue(message.contains("timeline: " + failed.toAbsolutePath()), message);

        assertEquals(kinds(ChaosPlan.plan(REPLAYED_SEED, LENGTH, 3, 0)),
                HISTORY.get("aReplayedScheduleThatFails").stream().map(e -> e.kind() + e.ordinals()).toList(),
                "mysqlsts.chaos.seed replaced the seed the test wrote");
    }

    private static void removeTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        }
    }

    private static List<String> podsOf(FaultEvent event) {
        List<Integer> ordinals = event.kind().equals("partition") ? List.of(0, 1, 2) : event.ordinals();
        return ordinals.stream().map(n -> "mysql-" + n).toList();
    }

    private static List<String> kinds(List<ChaosPlan.Step> plan) {
        return plan.stream().map(step -> step.kind() + step.ordinals()).toList();
    }

    private static int count(String text, String part) {
        Matcher m = Pattern.compile(Pattern.quote(part)).matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    private static String failure(EngineExecutionResults results) {
        List<Event> failed = results.testEvents().failed().list();
        assertEquals(1, failed.size());
        Optional<Throwable> error = failed.get(0).getRequiredPayload(TestExecutionResult.class).getThrowable();
        assertTrue(error.isPresent());
        assertTrue(error.get() instanceof AssertionError, "an assertion stays an assertion: " + error.get());
        assertEquals("the experiment's own verdict", error.get().getCause().getMessage(), "the original is the cause");
        return error.get().getMessage();
    }

    private static OutputDirectoryCreator into(Path root) {
        return new OutputDirectoryCreator() {
            @Override
            public Path getRootDirectory() {
                return root;
            }

            @Override
            public Path createOutputDirectory(TestDescriptor descriptor) throws IOException {
                return Files.createDirectories(root.resolve(descriptor.getUniqueId().toString()
                        .replaceAll("[^A-Za-z0-9._-]+", "_")));
            }
        };
    }
}
