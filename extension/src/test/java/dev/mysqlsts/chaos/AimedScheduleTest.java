package dev.mysqlsts.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mysqlsts.ChaosOptions;
import dev.mysqlsts.FaultEvent;
import dev.mysqlsts.Faults;
import dev.mysqlsts.MySqlCluster;
import dev.mysqlsts.MySqlStatefulSet;
import dev.mysqlsts.Targets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** Schedules with options on real servers: aimed at the leader, and two faults in force at once. */
@MySqlStatefulSet(replicas = 3)
class AimedScheduleTest {

    private static final Duration LENGTH = Duration.ofSeconds(12);

    @Test
    void aScheduleAimedAtTheLeaderInjectsOnlyOnTheLeader(Faults faults, MySqlCluster cluster) {
        ChaosOptions options = ChaosOptions.kinds("kill", "pause", "isolate", "latency", "breakReadiness");
        long seed = 4;
        Set<Integer> unaimed = ChaosPlan.plan(seed, LENGTH, 3, 0, ChaosKind.mix("", options), Targets.ALL, 1).stream()
                .flatMap(step -> step.ordinals().stream()).collect(Collectors.toSet());
        assertTrue(unaimed.size() > 1, "the premise: the same seed aimed at every pod hits several: " + unaimed);

        faults.schedule(seed, LENGTH, options.targets(Targets.LEADER));
        List<FaultEvent> history = awaitEnd(cluster, faults);

        assertTrue(history.size() >= 3, history.toString());
        history.forEach(event -> assertEquals(List.of(0), event.ordinals(), "only the leader, mysql-0: " + history));
    }

    @Test
    void overlappingTwoPutsTwoFaultsInForceAtOnce(Faults faults, MySqlCluster cluster) {
        faults.schedule(11, LENGTH, ChaosOptions.kinds("pause", "latency", "isolate", "breakReadiness").overlapping(2));
        List<FaultEvent> history = awaitEnd(cluster, faults);

        List<String> overlaps = history.stream().flatMap(a -> history.stream()
                .filter(b -> a != b && a.started().isBefore(b.started()) && b.started().isBefore(a.ended()))
                .map(b -> a + " while " + b)).toList();
        assertTrue(!overlaps.isEmpty(), "two faults in force at once: " + history);
        for (FaultEvent event : history) {
            long atOnce = history.stream().filter(other -> other.inForceAt(event.started())).count();
            assertTrue(atOnce <= 2, "never more than two: " + event + " in " + history);
        }
    }

    private static List<FaultEvent> awaitEnd(MySqlCluster cluster, Faults faults) {
        Awaitility.await().pollDelay(LENGTH).atMost(LENGTH.plusSeconds(90)).pollInterval(Duration.ofMillis(200))
                .until(() -> !Experiment.of(cluster).scheduleRunning()
                        && faults.history().stream().allMatch(e -> e.ended() != null));
        return faults.history();
    }
}
