package dev.mysqlsts;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * What a {@link Faults#schedule(long, java.time.Duration, ChaosOptions) schedule} draws: the fault kinds, the pods it
 * aims at, how many faults may be in force at once, and the test's own fail-over code. Immutable: each method returns
 * new options. The same seed with the same options gives the same faults in the same order.
 *
 * <pre>{@code
 * faults.schedule(42, Duration.ofMinutes(2), ChaosOptions.everyKind().targets(Targets.ALL).overlapping(2)
 *         .failover(cluster -> myFailover.run(cluster)));
 * }</pre>
 *
 * Kinds are named as {@link FaultEvent#kind()} names them ({@code kill}, {@code pause}, {@code isolate}, ...). The
 * kind {@code failover} crashes the leader of the moment ({@code kill}) and then calls the fail-over callback with the
 * cluster, so that the team's code (which may call {@link MySqlCluster#promote(int)} or run its own
 * {@code CHANGE MASTER}) is the thing under test while the {@link Ledger} judges what it cost.
 */
public final class ChaosOptions {

    /** The kinds of {@link Faults#schedule(long, java.time.Duration)}, in the order its draw indexes them. */
    private static final List<String> MIX = List.of("kill", "pause", "isolate", "partition", "latency", "stopReplication");
    /** Stands for every kind the schedule knows, in its own order. */
    private static final List<String> EVERY = List.of();

    private final List<String> kinds;
    private final Targets targets;
    private final int atOnce;
    private final Consumer<MySqlCluster> failover;

    private ChaosOptions(List<String> kinds, Targets targets, int atOnce, Consumer<MySqlCluster> failover) {
        this.kinds = kinds;
        this.targets = targets;
        this.atOnce = atOnce;
        this.failover = failover;
    }

    /** The mix of {@link Faults#schedule(long, java.time.Duration)}: kill, pause, isolate, partition, latency, stopReplication. */
    public static ChaosOptions mix() {
        return new ChaosOptions(MIX, Targets.ALL, 1, null);
    }

    /**
     * Every fault kind the schedule knows ({@code failover} only once {@link #failover(Consumer)} gives the code to
     * call). A new kind in a later version changes the plan a seed gives with these options.
     */
    public static ChaosOptions everyKind() {
        return new ChaosOptions(EVERY, Targets.ALL, 1, null);
    }

    /**
     * Only these kinds, drawn with equal chances, for example {@code ChaosOptions.kinds("kill", "pause")}; an unknown
     * kind is refused by {@code schedule}, which names the known ones.
     */
    public static ChaosOptions kinds(String... kinds) {
        if (kinds.length == 0) {
            throw new IllegalArgumentException("ChaosOptions.kinds(): name at least one fault kind, for example "
                    + "ChaosOptions.kinds(\"kill\", \"pause\"), or use ChaosOptions.everyKind()");
        }
        List<String> list = List.of(kinds);
        if (list.stream().distinct().count() != list.size()) {
            throw new IllegalArgumentException("ChaosOptions.kinds(" + String.join(", ", list) + "): a kind is named "
                    + "twice; name each once (they are drawn with equal chances)");
        }
        return new ChaosOptions(list, Targets.ALL, 1, null);
    }

    /** The pods the faults hit (default {@link Targets#ALL}); the leader is the one of the moment each fault fires. */
    public ChaosOptions targets(Targets targets) {
        return new ChaosOptions(kinds, Objects.requireNonNull(targets, "targets"), atOnce, failover);
    }

    /**
     * Up to {@code atOnce} faults in force at the same time (default 1): the faults are drawn on {@code atOnce}
     * independent lanes from the same seed, each lane one fault after the other.
     */
    public ChaosOptions overlapping(int atOnce) {
        if (atOnce < 1 || atOnce > 8) {
            throw new IllegalArgumentException("ChaosOptions.overlapping(" + atOnce + "): give 1 (one fault at a time) "
                    + "to 8 faults in force at once");
        }
        return new ChaosOptions(kinds, targets, atOnce, failover);
    }

    /**
     * Adds the kind {@code failover}: the leader of the moment is crashed ({@code kill}), then {@code failover} is
     * called with the cluster, in the schedule's thread; the schedule's next fault on that lane waits until it
     * returns. An exception it throws is logged with the seed and ends that step.
     *
     * <pre>{@code .failover(cluster -> cluster.promote(mostAdvancedFollower(cluster)))}</pre>
     */
    public ChaosOptions failover(Consumer<MySqlCluster> failover) {
        return new ChaosOptions(kinds, targets, atOnce, Objects.requireNonNull(failover, "failover"));
    }

    /** The kinds named, in order; empty for {@link #everyKind()}. */
    public List<String> kinds() {
        return kinds;
    }

    /** The pods aimed at. */
    public Targets targets() {
        return targets;
    }

    /** How many faults may be in force at once. */
    public int atOnce() {
        return atOnce;
    }

    /** The fail-over code, if given. */
    public Optional<Consumer<MySqlCluster>> failoverCode() {
        return Optional.ofNullable(failover);
    }

    @Override
    public String toString() {
        return "kinds " + (kinds.isEmpty() ? "(every kind)" : String.join(", ", kinds)) + ", targets " + targets
                + ", " + atOnce + " at once" + (failover == null ? "" : ", with a fail-over callback");
    }
}
