package dev.mysqlsts.chaos;

import dev.mysqlsts.Targets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * The faults a seed stands for: drawn from one {@link Random} in a fixed order, so that the same seed, length, options
 * and cluster shape always give the same steps (kinds, pods, offsets, holds). Each lane runs one fault at a time: a
 * step starts after the lane's previous one was undone and a gap; the lanes are drawn one after the other from the
 * same {@link Random}, so that one lane gives exactly the plan of the options' first version.
 */
final class ChaosPlan {

    /** The mix of {@code schedule(seed, length)}, in the order the random draw indexes it. */
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
     * @param kind     the {@link ChaosKind} (as the history names it)
     * @param ordinals its pods, by {@code aim}: ordinals (ALL); the pods besides the leader of the moment, as indexes
     *                 into the followers of the moment (LEADER: empty but for the other end of a {@code cut}); indexes
     *                 into the followers of the moment (FOLLOWERS). For {@code partition}: the side it names
     * @param hold     how long it stays before it is undone, in ms
     * @param amount   the delay, bandwidth... of kinds that have one (see {@link ChaosKind#amountText}), 0 otherwise
     * @param lane     which lane runs it (0 when one fault at a time)
     * @param aim      how {@code ordinals} resolve to pods when the step fires
     */
    record Step(long at, String kind, List<Integer> ordinals, long hold, long amount, int lane, Targets aim) {

        Step {
            ordinals = List.copyOf(ordinals);
        }

        /** The pods it hits, given the leader and followers of the moment; empty when they are no longer there. */
        List<Integer> pods(int leader, List<Integer> followers) {
            if (aim == Targets.ALL) {
                return ordinals;
            }
            List<Integer> pods = new ArrayList<>();
            if (aim == Targets.LEADER) {
                pods.add(leader);
            }
            for (int index : ordinals) {
                if (index >= followers.size()) {
                    return List.of();
                }
                pods.add(followers.get(index));
            }
            return pods;
        }

        String call() {
            String args = switch (aim) {
                case ALL -> ordinals.stream().map(String::valueOf).collect(Collectors.joining(", "));
                case LEADER -> Stream.concat(Stream.of("leader"), ordinals.stream().map(i -> "follower#" + i))
                        .collect(Collectors.joining(", "));
                case FOLLOWERS -> ordinals.stream().map(i -> "follower#" + i).collect(Collectors.joining(", "));
            };
            String amountText = ChaosKind.byId(kind).map(k -> k.amountText(amount)).orElse("");
            return kind + "(" + args + (amountText.isEmpty() ? "" : ", " + amountText) + ")";
        }

        @Override
        public String toString() {
            return call() + " at +" + at + " ms for " + hold + " ms" + (lane > 0 ? " (lane " + lane + ")" : "");
        }
    }

    /** The plan of {@code schedule(seed, length)}: the default mix on every pod, one fault at a time. */
    static List<Step> plan(long seed, Duration length, int replicas, int leader) {
        return plan(seed, length, replicas, leader, KINDS.stream().map(k -> ChaosKind.byId(k).orElseThrow()).toList(),
                Targets.ALL, 1);
    }

    /**
     * The plan of these options.
     *
     * @param mix     the kinds to draw from, in the order the draw indexes them; those that cannot hit the targets on
     *                this shape are left out ({@link #drawable})
     * @param leader  the leader when the plan is drawn: a follower-only kind aimed at ALL picks among its followers
     */
    static List<Step> plan(long seed, Duration length, int replicas, int leader, List<ChaosKind> mix, Targets targets,
                           int lanes) {
        List<ChaosKind> kinds = drawable(mix, targets, replicas);
        if (kinds.isEmpty()) {
            throw new IllegalArgumentException("no kind of " + mix.stream().map(ChaosKind::id).toList() + " can hit "
                    + targets + " on " + replicas + " pod(s): add kinds that can (kill, pause, latency hit any pod)");
        }
        Random random = new Random(seed);
        List<Integer> followers = IntStream.range(0, replicas).filter(n -> n != leader).boxed().toList();
        List<Step> steps = new ArrayList<>();
        for (int lane = 0; lane < lanes; lane++) {
            long at = FIRST_MS + random.nextInt(GAP_SPREAD_MS);
            while (true) {
                ChaosKind kind = kinds.get(random.nextInt(kinds.size()));
                long hold = HOLD_MS + random.nextInt(HOLD_SPREAD_MS);
                Targets aim = kind.shape() == ChaosKind.Shape.LEADER ? Targets.LEADER : targets;
                List<Integer> ordinals = draw(kind.shape(), aim, random, replicas, followers);
                long amount = kind.drawAmount(random);
                if (at + hold > length.toMillis()) {
                    break;
                }
                steps.add(new Step(at, kind.id(), ordinals, hold, amount, lane, aim));
                at += hold + GAP_MS + random.nextInt(GAP_SPREAD_MS);
            }
        }
        steps.sort(Comparator.comparingLong(Step::at).thenComparingInt(Step::lane));
        return steps;
    }

    /**
     * A short digest of the plan (kinds, pods, offsets, holds, amounts, lanes): two runs with the same fingerprint
     * inject the same faults in the same order.
     */
    static String fingerprint(List<Step> plan) {
        return String.format("%08x", plan.stream().map(Step::toString).collect(Collectors.joining(";")).hashCode());
    }

    /** The kinds of the mix that can hit the targets on this many pods, in the mix's order. */
    static List<ChaosKind> drawable(List<ChaosKind> mix, Targets targets, int replicas) {
        int followers = replicas - 1;
        return mix.stream().filter(kind -> replicas > 1 || !kind.needsPeers()).filter(kind -> switch (kind.shape()) {
            case POD, SIDE, LEADER -> targets != Targets.FOLLOWERS || followers >= 1;
            case FOLLOWER -> targets != Targets.LEADER && followers >= 1;
            case PAIR -> targets == Targets.FOLLOWERS ? followers >= 2 : replicas >= 2;
            case EVERY -> targets == Targets.ALL;
        }).toList();
    }

    private static List<Integer> draw(ChaosKind.Shape shape, Targets aim, Random random, int replicas,
                                      List<Integer> followers) {
        int f = followers.size();
        return switch (shape) {
            case LEADER -> List.of();
            case EVERY -> IntStream.range(0, replicas).boxed().toList();
            case POD -> switch (aim) {
                case ALL -> List.of(random.nextInt(replicas));
                case LEADER -> List.of();
                case FOLLOWERS -> List.of(random.nextInt(f));
            };
            case FOLLOWER -> aim == Targets.ALL ? List.of(followers.get(random.nextInt(f))) : List.of(random.nextInt(f));
            case SIDE -> switch (aim) {
                case ALL -> side(random, replicas);
                case LEADER -> List.of();
                case FOLLOWERS -> subset(random, f);
            };
            case PAIR -> switch (aim) {
                case ALL -> pair(random, replicas);
                case LEADER -> List.of(random.nextInt(f));
                case FOLLOWERS -> pair(random, f);
            };
        };
    }

    private static List<Integer> pair(Random random, int n) {
        int from = random.nextInt(n);
        return List.of(from, (from + 1 + random.nextInt(n - 1)) % n);
    }

    /** A non-empty subset of {@code 0..n-1}, sorted. */
    private static List<Integer> subset(Random random, int n) {
        List<Integer> all = new ArrayList<>(IntStream.range(0, n).boxed().toList());
        Collections.shuffle(all, random);
        return all.subList(0, 1 + random.nextInt(n)).stream().sorted().toList();
    }

    private static List<Integer> side(Random random, int replicas) {
        List<Integer> pods = new ArrayList<>(IntStream.range(0, replicas).boxed().toList());
        Collections.shuffle(pods, random);
        int size = 1 + random.nextInt(replicas - 1);
        return pods.subList(0, size).stream().sorted().toList();
    }
}
