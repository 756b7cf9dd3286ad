package dev.mysqlsts.chaos;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The faults a seed stands for: drawn from one {@link Random} in a fixed order, so that the same seed, length and
 * cluster shape always give the same steps (kinds, pods, offsets, holds). One fault is in force at a time: each step
 * starts after the previous one was undone and a gap.
 */
final class ChaosPlan {

    /** The mix, in the order the random draw indexes it. */
    static final List<String> KINDS = List.of("kill", "pause", "isolate", "partition", "latency", "stopReplication");
    private static final int FIRST_MS = 500;
    private static final int GAP_MS = 500;
    private static final int GAP_SPREAD_MS = 1500;
    private static final int HOLD_MS = 1000;
    private static final int HOLD_SPREAD_MS = 3000;

    private ChaosPlan() {
    }

    /**
     * One fault of the plan.
     *
     * @param at       offset from the schedule's start, in ms
     * @param kind     the {@code Faults} method
     * @param ordinals its pods (for {@code partition}: the side it names)
     * @param hold     how long it stays before it is undone, in ms
     * @param latency  the delay of a {@code latency} step, in ms (0 otherwise)
     */
    record Step(long at, String kind, List<Integer> ordinals, long hold, long latency) {

        String call() {
            String args = ordinals.stream().map(String::valueOf).collect(Collectors.joining(", "));
            return kind + "(" + args + (kind.equals("latency") ? ", " + latency + " ms" : "") + ")";
        }

        @Override
        public String toString() {
            return call() + " at +" + at + " ms for " + hold + " ms";
        }
    }

    static List<Step> plan(long seed, Duration length, int replicas, int leader) {
        Random random = new Random(seed);
        List<Integer> followers = IntStream.range(0, replicas).filter(n -> n != leader).boxed().toList();
        List<String> kinds = replicas > 1 ? KINDS : List.of("kill", "pause", "latency");
        List<Step> steps = new ArrayList<>();
        long at = FIRST_MS + random.nextInt(GAP_SPREAD_MS);
        while (true) {
            String kind = kinds.get(random.nextInt(kinds.size()));
            long hold = HOLD_MS + random.nextInt(HOLD_SPREAD_MS);
            List<Integer> ordinals = switch (kind) {
                case "stopReplication" -> List.of(followers.get(random.nextInt(followers.size())));
                case "partition" -> side(random, replicas);
                default -> List.of(random.nextInt(replicas));
            };
            long latency = kind.equals("latency") ? 50 + random.nextInt(250) : 0;
            if (at + hold > length.toMillis()) {
                return steps;
            }
            steps.add(new Step(at, kind, ordinals, hold, latency));
            at += hold + GAP_MS + random.nextInt(GAP_SPREAD_MS);
        }
    }

    private static List<Integer> side(Random random, int replicas) {
        List<Integer> pods = new ArrayList<>(IntStream.range(0, replicas).boxed().toList());
        Collections.shuffle(pods, random);
        int size = 1 + random.nextInt(replicas - 1);
        return pods.subList(0, size).stream().sorted().toList();
    }
}
