package dev.mysqlsts.samples.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mysqlsts.Backend;
import dev.mysqlsts.ChaosOptions;
import dev.mysqlsts.FaultEvent;
import dev.mysqlsts.Faults;
import dev.mysqlsts.Ledger;
import dev.mysqlsts.LedgerReport;
import dev.mysqlsts.MySqlCluster;
import dev.mysqlsts.MySqlStatefulSet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chaos experiment where the team's own fail-over code is the thing under test: a seeded schedule of pauses and
 * latency that also crashes the leader of the moment and calls {@link MostAdvancedFollower#failover} (the
 * {@code failover} step), while four clients write by GTID replication ({@code manifests/gtid-sidecar}). The ledger
 * judges the fail-overs: nothing acknowledged lost, nothing applied twice, no pod diverged.
 * <p>
 * The seed's plan: failover at +1.2 s, pause(0), latency(0), latency(1) twice, failover at +18 s.
 */
// LOCAL: promote(n) restarts one pod with the leader's config, which a StatefulSet cannot do (on K3S it throws)
@MySqlStatefulSet(replicas = 3, backend = Backend.LOCAL, manifests = "classpath:manifests/gtid-sidecar")
class ScheduledFailoverTest {

    private static final Logger LOG = LoggerFactory.getLogger(ScheduledFailoverTest.class);
    private static final long SEED = 3;
    private static final Duration LENGTH = Duration.ofSeconds(25);

    @Test
    void theTeamsFailoverRunsUnderTheScheduleAndLosesNothing(Ledger ledger, Faults faults, MySqlCluster cluster)
            throws IOException {
        List<String> calls = new CopyOnWriteArrayList<>();
        ledger.start(4);
        faults.schedule(SEED, LENGTH, ChaosOptions.kinds("pause", "latency").failover(c -> {
            calls.add(c.leader().name());
            LOG.info("fail-over code called, leader {} crashed: {}", c.leader().name(),
                    MostAdvancedFollower.describe(MostAdvancedFollower.failover(c)));
        }));
        Awaitility.await().pollDelay(LENGTH).atMost(LENGTH.plusSeconds(120)).pollInterval(Duration.ofMillis(500))
                .until(() -> faults.history().stream().allMatch(fault -> fault.ended() != null)
                        && faults.history().stream().filter(f -> f.kind().equals("failover")).count() == 2);
        LedgerReport report = ledger.stop();
        List<FaultEvent> history = faults.history();
        LOG.info("faults: {}", history);
        LOG.info("verdict: {}", report);

        assertEquals(2, calls.size(), "the fail-over code ran at each failover step: " + calls);
        List<FaultEvent> failovers = history.stream().filter(f -> f.kind().equals("failover")).toList();
        for (FaultEvent failover : failovers) {
            assertTrue(history.stream().anyMatch(f -> f.kind().equals("kill") && f.ordinals().equals(failover.ordinals())
                    && !f.started().isBefore(failover.started())), "the leader was crashed first: " + history);
        }
        assertTrue(report.acknowledged() > 0, report.toString());
        report.assertNoAcknowledgedWriteLost();
        assertEquals(Map.of(), report.duplicated(), report.toString());
        assertEquals(Map.of(), report.divergent(), report.toString());
        assertEquals(Set.of(), report.lost(), report.toString());
        cluster.assertConsistent();
    }

    /** The timeline is written when the test method ends: it draws each failover step and each promotion. */
    @AfterAll
    static void theTimelineShowsTheFailovers() throws IOException {
        String html = Files.readString(Path.of("target", "mysqlsts", ScheduledFailoverTest.class.getName(),
                "theTeamsFailoverRunsUnderTheScheduleAndLosesNothing.html"));
        assertTrue(html.contains("data-kind=\"failover\""), "a failover band on the timeline");
        assertTrue(html.contains("data-kind=\"promote\""), "a promotion marker on the timeline");
    }
}
