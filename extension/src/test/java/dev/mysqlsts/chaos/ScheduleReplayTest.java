package dev.mysqlsts.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mysqlsts.FaultEvent;
import dev.mysqlsts.Faults;
import dev.mysqlsts.MySqlStatefulSet;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The same seed twice gives the same fault history: the same faults on the same pods in the same order, the seed's
 * plan, in each test on its own (no state carried from one test to the other).
 */
@MySqlStatefulSet(replicas = 3)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ScheduleReplayTest {

    static final long SEED = 20261129;
    static final Duration LENGTH = Duration.ofSeconds(10);

    @Test
    @Order(1)
    void aSeededScheduleInjectsItsPlan(Faults faults) {
        assertEquals(planned(), run(faults));
    }

    @Test
    @Order(2)
    void theSameSeedAgainGivesTheSameHistory(Faults faults) {
        assertEquals(List.of(), faults.history(), "a test method starts with an empty history (after order 1's)");
        assertEquals(planned(), run(faults), "the seed replayed on a cluster that already ran it");
    }

    static List<String> run(Faults faults) {
        faults.schedule(SEED, LENGTH);
        int steps = ChaosPlan.plan(SEED, LENGTH, 3, 0).size();
        Awaitility.await().atMost(LENGTH.plusSeconds(90)).pollInterval(Duration.ofMillis(200))
                .until(() -> faults.history().size() == steps && faults.history().stream().allMatch(e -> e.ended() != null));
        List<String> history = faults.history().stream().map(ScheduleReplayTest::describe).toList();
        assertTrue(history.size() >= 3, history.toString());
        return history;
    }

    static List<String> planned() {
        return ChaosPlan.plan(SEED, LENGTH, 3, 0).stream().map(step -> step.kind() + step.ordinals()).toList();
    }

    private static String describe(FaultEvent event) {
        return event.kind() + event.ordinals();
    }
}
