package dev.mysqlsts.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The plan a seed stands for: the same seed gives the same faults on the same pods, and every step can run. */
class ChaosPlanTest {

    @Test
    void theSameSeedGivesTheSamePlanAndAnotherSeedAnother() {
        List<ChaosPlan.Step> one = ChaosPlan.plan(42, Duration.ofSeconds(30), 3, 0);
        assertEquals(one, ChaosPlan.plan(42, Duration.ofSeconds(30), 3, 0));
        assertNotEquals(one, ChaosPlan.plan(43, Duration.ofSeconds(30), 3, 0));
        assertTrue(one.size() >= 4, one.toString());
    }

    @Test
    void stepsFitTheLengthFollowEachOtherAndHitOnlyPossibleTargets() {
        for (long seed = 0; seed < 200; seed++) {
            List<ChaosPlan.Step> plan = ChaosPlan.plan(seed, Duration.ofSeconds(20), 3, 1);
            long previousEnd = 0;
            for (ChaosPlan.Step step : plan) {
                assertTrue(step.at() >= previousEnd, "one fault at a time: " + plan);
                assertTrue(step.at() + step.hold() <= 20_000, "within the length: " + plan);
                previousEnd = step.at() + step.hold();
                assertTrue(ChaosPlan.KINDS.contains(step.kind()));
                step.ordinals().forEach(n -> assertTrue(n >= 0 && n < 3, step.toString()));
                if (step.kind().equals("stopReplication")) {
                    assertNotEquals(1, step.ordinals().get(0), "stopReplication never on the leader: " + step);
                }
                if (step.kind().equals("partition")) {
                    assertTrue(!step.ordinals().isEmpty() && step.ordinals().size() < 3, step.toString());
                }
            }
        }
    }

    @Test
    void overManySeedsEveryKindOfTheMixAppears() {
        Set<String> seen = java.util.stream.LongStream.range(0, 50)
                .mapToObj(seed -> ChaosPlan.plan(seed, Duration.ofSeconds(30), 3, 0)).flatMap(List::stream)
                .map(ChaosPlan.Step::kind).collect(Collectors.toSet());
        assertEquals(Set.copyOf(ChaosPlan.KINDS), seen);
    }

    @Test
    void aSinglePodGetsOnlyFaultsThatNeedNoPeer() {
        Set<String> kinds = ChaosPlan.plan(7, Duration.ofSeconds(60), 1, 0).stream().map(ChaosPlan.Step::kind)
                .collect(Collectors.toSet());
        assertTrue(Set.of("kill", "pause", "latency").containsAll(kinds), kinds.toString());
    }
}
