package dev.mysqlsts.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mysqlsts.ChaosOptions;
import dev.mysqlsts.Targets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** The plans that options draw, offline: no server. */
class ChaosOptionsPlanTest {

    private static final Duration LENGTH = Duration.ofSeconds(60);

    private static List<ChaosPlan.Step> plan(long seed, ChaosOptions options, int replicas, int leader) {
        return ChaosPlan.plan(seed, LENGTH, replicas, leader, ChaosKind.mix("test", options), options.targets(),
                options.atOnce());
    }

    @Test
    void theDefaultScheduleDrawsExactlyWhatItDrewBeforeOptionsExisted() {
        // printed by the ChaosPlan of main at 8f58fc3, before this change
        assertEquals("[partition(0, 1) at +1630 ms for 2248 ms, isolate(2) at +4383 ms for 2519 ms, isolate(0) at "
                + "+7584 ms for 1276 ms, isolate(0) at +9836 ms for 1456 ms, stopReplication(1) at +13035 ms for 2400 ms, "
                + "partition(1, 2) at +17161 ms for 3243 ms, kill(0) at +22291 ms for 1730 ms, stopReplication(1) at "
                + "+25951 ms for 2217 ms]", ChaosPlan.plan(42, Duration.ofSeconds(30), 3, 0).toString());
        assertEquals("[isolate(1) at +1236 ms for 2485 ms, latency(2, 150 ms) at +5101 ms for 3968 ms, kill(0) at "
                + "+10103 ms for 3712 ms, pause(0) at +15726 ms for 3662 ms]",
                ChaosPlan.plan(7, Duration.ofSeconds(20), 3, 1).toString());
        assertEquals("[pause(0) at +1989 ms for 1748 ms, kill(0) at +5496 ms for 3273 ms, pause(0) at +9882 ms for "
                + "1446 ms, pause(0) at +12654 ms for 2295 ms]", ChaosPlan.plan(9, Duration.ofSeconds(15), 1, 0).toString());
        assertEquals(ChaosPlan.plan(42, LENGTH, 3, 0), plan(42, ChaosOptions.mix(), 3, 0), "mix() is schedule(seed, length)");
    }

    @Test
    void everyKindDrawsEveryFaultTheScheduleKnowsTheHostFaultsIncluded() {
        Set<String> drawn = LongStream.range(0, 20).boxed()
                .flatMap(seed -> plan(seed, ChaosOptions.everyKind().failover(cluster -> { }), 3, 0).stream())
                .map(ChaosPlan.Step::kind).collect(Collectors.toSet());
        assertEquals(Set.copyOf(ChaosKind.ids()), drawn);
        assertTrue(drawn.containsAll(List.of("clock-skew", "disk-full", "io-errors", "loss", "failover")), drawn.toString());
    }

    @Test
    void theSameSeedAndOptionsGiveTheSamePlanAndAnotherSeedAnother() {
        ChaosOptions options = ChaosOptions.everyKind().targets(Targets.ALL).overlapping(2).failover(cluster -> { });
        List<ChaosPlan.Step> one = plan(5, options, 3, 0);
        assertEquals(one, plan(5, options, 3, 0));
        assertEquals(ChaosPlan.fingerprint(one), ChaosPlan.fingerprint(plan(5, options, 3, 0)));
        assertNotEquals(one, plan(6, options, 3, 0));
        assertNotEquals(ChaosPlan.fingerprint(one), ChaosPlan.fingerprint(plan(6, options, 3, 0)));
        assertNotEquals(one, plan(5, options.overlapping(3), 3, 0), "other options, another plan");
    }

    @Test
    void aimedAtTheLeaderEveryStepHitsTheLeaderOfItsMoment() {
        ChaosOptions options = ChaosOptions.everyKind().targets(Targets.LEADER);
        for (long seed = 0; seed < 50; seed++) {
            for (ChaosPlan.Step step : plan(seed, options, 3, 0)) {
                for (int leader = 0; leader < 3; leader++) {
                    List<Integer> followers = followers(3, leader);
                    List<Integer> pods = step.pods(leader, followers);
                    assertEquals(leader, pods.get(0), "the leader of the moment first: " + step);
                    assertFalse(ChaosKind.byId(step.kind()).orElseThrow().shape() == ChaosKind.Shape.FOLLOWER, step.toString());
                    assertFalse(step.kind().equals("killAll"), "killAll is no fault on the leader only: " + step);
                    if (step.kind().equals("cut")) {
                        assertTrue(followers.contains(pods.get(1)), "a cut from the leader to a follower: " + step);
                    } else {
                        assertEquals(List.of(leader), pods, step.toString());
                    }
                }
            }
        }
    }

    @Test
    void aimedAtTheFollowersNoStepHitsTheLeaderOfItsMoment() {
        ChaosOptions options = ChaosOptions.everyKind().targets(Targets.FOLLOWERS);
        for (long seed = 0; seed < 50; seed++) {
            for (ChaosPlan.Step step : plan(seed, options, 3, 0)) {
                for (int leader = 0; leader < 3; leader++) {
                    List<Integer> pods = step.pods(leader, followers(3, leader));
                    assertFalse(pods.isEmpty(), step.toString());
                    assertFalse(pods.contains(leader), "leader " + leader + " hit by " + step + " on " + pods);
                }
            }
        }
    }

    @Test
    void overlappingLanesPutUpToThatManyFaultsInForceAtOnceAndEachLaneOneAtATime() {
        List<ChaosPlan.Step> plan = plan(11, ChaosOptions.mix().overlapping(2), 3, 0);
        for (int lane = 0; lane < 2; lane++) {
            long previousEnd = 0;
            int mine = lane;
            for (ChaosPlan.Step step : plan.stream().filter(s -> s.lane() == mine).toList()) {
                assertTrue(step.at() >= previousEnd, "one fault at a time on a lane: " + plan);
                previousEnd = step.at() + step.hold();
            }
        }
        int most = LongStream.range(0, LENGTH.toMillis()).filter(t -> t % 50 == 0)
                .mapToInt(t -> (int) plan.stream().filter(s -> s.at() <= t && t < s.at() + s.hold()).count())
                .max().orElse(0);
        assertEquals(2, most, "two faults in force at some moment, never three: " + plan);
        List<ChaosPlan.Step> lane0 = plan.stream().filter(s -> s.lane() == 0).toList();
        List<ChaosPlan.Step> single = ChaosPlan.plan(11, LENGTH, 3, 0);
        assertEquals(single, lane0, "the first lane is the one-at-a-time plan");
        assertTrue(plan.size() > single.size() * 3 / 2, plan.size() + " steps on two lanes against " + single.size());
    }

    @Test
    void failoverIsDrawnOnlyWithCodeToCallAndEveryKindAppearsOverSeeds() {
        Set<String> without = LongStream.range(0, 40).mapToObj(seed -> plan(seed, ChaosOptions.everyKind(), 3, 0))
                .flatMap(List::stream).map(ChaosPlan.Step::kind).collect(Collectors.toSet());
        assertFalse(without.contains("failover"), without.toString());
        assertEquals(Set.copyOf(ChaosKind.ids()).size() - 1, without.size(), "every other kind: " + without);

        List<ChaosPlan.Step> with = plan(3, ChaosOptions.kinds("pause").failover(cluster -> { }), 3, 0);
        assertEquals(Set.of("pause", "failover"), with.stream().map(ChaosPlan.Step::kind).collect(Collectors.toSet()));
        with.stream().filter(s -> s.kind().equals("failover"))
                .forEach(s -> assertEquals(List.of(2), s.pods(2, List.of(0, 1)), "the leader of the moment: " + s));
    }

    @Test
    void badOptionsAreRefusedNamingTheFix() {
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> ChaosKind.mix("call", ChaosOptions.kinds("kill", "meteor")));
        assertTrue(unknown.getMessage().contains("no fault kind \"meteor\"") && unknown.getMessage().contains("pause"),
                unknown.getMessage());
        IllegalArgumentException noCode = assertThrows(IllegalArgumentException.class,
                () -> ChaosKind.mix("call", ChaosOptions.kinds("failover")));
        assertTrue(noCode.getMessage().contains(".failover(cluster -> ...)"), noCode.getMessage());
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
                () -> plan(1, ChaosOptions.kinds("stopReplication").targets(Targets.LEADER), 3, 0));
        assertTrue(none.getMessage().contains("can hit LEADER"), none.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ChaosOptions.mix().overlapping(0));
        assertThrows(IllegalArgumentException.class, () -> ChaosOptions.kinds("kill", "kill"));
    }

    private static List<Integer> followers(int replicas, int leader) {
        return IntStream.range(0, replicas).filter(n -> n != leader).boxed().collect(Collectors.toCollection(ArrayList::new));
    }
}
