package dev.mysqlsts.chaos;

import dev.mysqlsts.ChaosOptions;
import dev.mysqlsts.FaultEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.function.ToLongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every fault kind a schedule can draw, one entry each: its name (as the history names it), which pods it takes, how
 * its amount is drawn, how it is injected and how it is undone. Adding a kind is adding one entry; its place in this
 * list is its place in {@code ChaosOptions.everyKind()}'s draw.
 */
enum ChaosKind {

    KILL("kill", Shape.POD, false, ChaosKind::none,
            (run, pods, amount) -> run.faults().kill(pods.get(0)),
            (run, pods, amount) -> run.awaitReady(pods)),
    /** Undone by a resume, unless a kill or a rebuild of the pod (another lane's, a fail-over's) ended it first. */
    PAUSE("pause", Shape.POD, false, ChaosKind::none,
            (run, pods, amount) -> run.faults().pause(pods.get(0)),
            (run, pods, amount) -> {
                if (run.faults().history().stream().anyMatch(event -> event.kind().equals("pause")
                        && event.ordinals().contains(pods.get(0)) && event.ended() == null)) {
                    run.faults().resume(pods.get(0));
                }
            }),
    ISOLATE("isolate", Shape.POD, true, ChaosKind::none,
            (run, pods, amount) -> run.faults().isolate(pods.get(0)),
            (run, pods, amount) -> run.lift("isolate", pods)),
    PARTITION("partition", Shape.SIDE, true, ChaosKind::none,
            (run, pods, amount) -> run.faults().partition(pods.stream().mapToInt(Integer::intValue).toArray()),
            (run, pods, amount) -> run.lift("partition", pods)),
    /** Amount: the delay in ms. */
    LATENCY("latency", Shape.POD, false, random -> 50 + random.nextInt(250),
            (run, pods, amount) -> run.faults().latency(pods.get(0), Duration.ofMillis(amount)),
            (run, pods, amount) -> run.faults().latency(pods.get(0), Duration.ZERO)),
    STOP_REPLICATION("stopReplication", Shape.FOLLOWER, true, ChaosKind::none,
            (run, pods, amount) -> run.faults().stopReplication(pods.get(0)),
            (run, pods, amount) -> run.faults().startReplication(pods.get(0))),
    /** Amount: the delay in whole seconds. */
    DELAY_REPLICATION("delayReplication", Shape.FOLLOWER, true, random -> 1 + random.nextInt(5),
            (run, pods, amount) -> run.faults().delayReplication(pods.get(0), Duration.ofSeconds(amount)),
            (run, pods, amount) -> run.faults().delayReplication(pods.get(0), Duration.ZERO)),
    CUT("cut", Shape.PAIR, true, ChaosKind::none,
            (run, pods, amount) -> run.faults().cut(pods.get(0), pods.get(1)),
            (run, pods, amount) -> run.lift("cut", pods)),
    BREAK_READINESS("breakReadiness", Shape.POD, false, ChaosKind::none,
            (run, pods, amount) -> run.faults().breakReadiness(pods.get(0)),
            (run, pods, amount) -> run.faults().restoreReadiness(pods.get(0))),
    /** Graceful: the call returns once the pod is Ready again. */
    DELETE_POD("deletePod", Shape.POD, false, ChaosKind::none,
            (run, pods, amount) -> run.faults().deletePod(pods.get(0)),
            (run, pods, amount) -> { }),
    KILL_ALL("killAll", Shape.EVERY, false, ChaosKind::none,
            (run, pods, amount) -> run.faults().killAll(),
            (run, pods, amount) -> run.awaitReady(pods)),
    /** Amount: the delay in ms, with a quarter of it as jitter. */
    CLIENT_LATENCY("client-latency", Shape.POD, false, random -> 50 + random.nextInt(250),
            (run, pods, amount) -> run.faults().client(pods.get(0)).latency(Duration.ofMillis(amount),
                    Duration.ofMillis(amount / 4)),
            (run, pods, amount) -> run.faults().client(pods.get(0)).latency(Duration.ZERO, Duration.ZERO)),
    /** Amount: bytes per second, 16 to 256 KiB. */
    CLIENT_BANDWIDTH("client-bandwidth", Shape.POD, false, random -> 16_384L * (1 + random.nextInt(16)),
            (run, pods, amount) -> run.faults().client(pods.get(0)).bandwidth(amount),
            (run, pods, amount) -> run.lift("client-bandwidth", pods)),
    CLIENT_BLACKHOLE("client-blackhole", Shape.POD, false, ChaosKind::none,
            (run, pods, amount) -> run.faults().client(pods.get(0)).blackhole(),
            (run, pods, amount) -> run.lift("client-blackhole", pods)),
    /** One-shot: every open connection to the pod is reset; it ends as it starts. */
    CLIENT_RESET("client-reset", Shape.POD, false, ChaosKind::none,
            (run, pods, amount) -> run.faults().client(pods.get(0)).reset(),
            (run, pods, amount) -> { }),
    CLIENT_REFUSE("client-refuse", Shape.POD, false, ChaosKind::none,
            (run, pods, amount) -> run.faults().client(pods.get(0)).refuse(),
            (run, pods, amount) -> run.lift("client-refuse", pods)),
    /** Amount: the percentage of packets lost on the pod's links to the other pods, 10 to 50. */
    LOSS("loss", Shape.POD, true, random -> 10 + random.nextInt(41),
            (run, pods, amount) -> run.faults().loss(pods.get(0), amount),
            (run, pods, amount) -> run.lift("loss", pods)),
    /** Amount: the delay in ms on the pod's links, with half of it as jitter. */
    JITTER("jitter", Shape.POD, true, random -> 50 + random.nextInt(250),
            (run, pods, amount) -> run.faults().jitter(pods.get(0), Duration.ofMillis(amount),
                    Duration.ofMillis(amount / 2)),
            (run, pods, amount) -> run.faults().jitter(pods.get(0), Duration.ZERO, Duration.ZERO)),
    /** Amount: bytes per second each way on the pod's links, 16 to 256 KiB. */
    BANDWIDTH("bandwidth", Shape.POD, true, random -> 16_384L * (1 + random.nextInt(16)),
            (run, pods, amount) -> run.faults().bandwidth(pods.get(0), amount),
            (run, pods, amount) -> run.lift("bandwidth", pods)),
    /** Amount: the offset in seconds, 5 to 60 ahead or behind (libfaketime on LOCAL; refused on K3S). */
    CLOCK_SKEW("clock-skew", Shape.POD, false, random -> (5 + random.nextInt(56)) * (random.nextBoolean() ? 1 : -1),
            (run, pods, amount) -> run.faults().clockSkew(pods.get(0), Duration.ofSeconds(amount)),
            (run, pods, amount) -> run.faults().clockSkew(pods.get(0), Duration.ZERO)),
    /**
     * Appending writes fail with ENOSPC (libfiu on LOCAL; refused on K3S). Lifted without waiting: the server resumes
     * at its own next retry (MariaDB: within a minute), so the pod may stall for up to a minute after the step.
     */
    DISK_FULL("disk-full", Shape.POD, false, ChaosKind::none,
            (run, pods, amount) -> run.faults().diskFull(pods.get(0)),
            (run, pods, amount) -> liftDiskFault(run, "disk-full", pods, false)),
    /**
     * Writes and syncs fail with EIO (libfiu on LOCAL; refused on K3S). Most servers crash at the next write; one that
     * stays up but no longer answers its probe is killed once the fault is lifted, as its liveness probe would have
     * the kubelet do, and awaited.
     */
    IO_ERRORS("io-errors", Shape.POD, false, ChaosKind::none,
            (run, pods, amount) -> run.faults().ioErrors(pods.get(0)),
            (run, pods, amount) -> liftDiskFault(run, "io-errors", pods, true)),
    /**
     * The leader of the moment is crashed ({@code kill}), then the test's fail-over code is called with the cluster;
     * undone once the crashed pod is Ready again. Drawn only when the options give that code.
     */
    FAILOVER("failover", Shape.LEADER, true, ChaosKind::none,
            (run, pods, amount) -> run.failover(pods.get(0)),
            (run, pods, amount) -> run.awaitReady(pods));

    private static final Logger LOG = LoggerFactory.getLogger(ChaosKind.class);

    /** Which pods a kind takes. */
    enum Shape {
        /** One pod. */
        POD,
        /** One follower (a kind that needs replication threads). */
        FOLLOWER,
        /** One side of a partition: at least one pod and not all. */
        SIDE,
        /** Two different pods: from, to. */
        PAIR,
        /** Every pod. */
        EVERY,
        /** The leader of the moment, whatever the targets. */
        LEADER
    }

    /** Injects or undoes a step on the pods it resolved to. */
    @FunctionalInterface
    interface Action {
        void run(ChaosRun run, List<Integer> pods, long amount);
    }

    private final String id;
    private final Shape shape;
    private final boolean needsPeers;
    private final ToLongFunction<Random> amount;
    private final Action inject;
    private final Action undo;

    ChaosKind(String id, Shape shape, boolean needsPeers, ToLongFunction<Random> amount, Action inject, Action undo) {
        this.id = id;
        this.shape = shape;
        this.needsPeers = needsPeers;
        this.amount = amount;
        this.inject = inject;
        this.undo = undo;
    }

    /** The name the history and the options use. */
    String id() {
        return id;
    }

    Shape shape() {
        return shape;
    }

    /** Whether it means anything on a single pod (an isolation of the only pod cuts nothing). */
    boolean needsPeers() {
        return needsPeers;
    }

    /** Draws the step's amount (0 for kinds without one), after its pods. */
    long drawAmount(Random random) {
        return amount.applyAsLong(random);
    }

    void inject(ChaosRun run, List<Integer> pods, long amount) {
        inject.run(run, pods, amount);
    }

    void undo(ChaosRun run, List<Integer> pods, long amount) {
        undo.run(run, pods, amount);
    }

    /** The amount as a call shows it: {@code 120 ms}, {@code 3 s}, {@code 65536 bytes/s}; empty without one. */
    String amountText(long amount) {
        return switch (this) {
            case LATENCY, CLIENT_LATENCY -> amount + " ms";
            case JITTER -> amount + " ms \u00b1 " + amount / 2 + " ms";
            case LOSS -> amount + " %";
            case BANDWIDTH -> amount + " bytes/s";
            case DELAY_REPLICATION -> amount + " s";
            case CLIENT_BANDWIDTH -> amount + " bytes/s";
            default -> "";
        };
    }

    /** The kinds the options name, checked: unknown names and a failover without code are refused. */
    static List<ChaosKind> mix(String call, ChaosOptions options) {
        boolean failover = options.failoverCode().isPresent();
        if (options.kinds().isEmpty()) {
            return Arrays.stream(ChaosKind.values()).filter(k -> failover || k != ChaosKind.FAILOVER).toList();
        }
        List<ChaosKind> mix = new ArrayList<>();
        for (String name : options.kinds()) {
            ChaosKind kind = ChaosKind.byId(name).orElseThrow(() -> new IllegalArgumentException(call + ": no fault "
                    + "kind \"" + name + "\"; a schedule draws from " + String.join(", ", ChaosKind.ids())));
            if (kind == ChaosKind.FAILOVER && !failover) {
                throw new IllegalArgumentException(call + ": the kind failover calls the test's fail-over code, and "
                        + "none was given: add .failover(cluster -> ...) to the options");
            }
            mix.add(kind);
        }
        if (failover && !mix.contains(ChaosKind.FAILOVER)) {
            mix.add(ChaosKind.FAILOVER);
        }
        return mix;
    }

    static Optional<ChaosKind> byId(String id) {
        return Arrays.stream(values()).filter(kind -> kind.id.equals(id)).findFirst();
    }

    static List<String> ids() {
        return Arrays.stream(values()).map(ChaosKind::id).toList();
    }

    /**
     * Switches a disk fault off on its pod. A server that cannot take the command (wedged by the fault: fiu-ctrl's
     * answer comes from inside it) is killed instead, so that it restarts on a sound disk, and the log says so; with
     * {@code ready}, so is one that does not answer its probe within the wait after the lift.
     */
    private static void liftDiskFault(ChaosRun run, String kind, List<Integer> pods, boolean ready) {
        int pod = pods.get(0);
        try {
            run.lift(kind, pods);
        } catch (RuntimeException e) {
            LOG.warn("chaos: {} on pod {} could not be switched off ({}); killing its server, which restarts on a sound "
                    + "disk", kind, pod, e.getMessage());
            run.faults().kill(pod);
            run.awaitReady(pods);
            return;
        }
        if (ready && !run.awaitReady(pods)) {
            LOG.warn("chaos: pod {} does not answer its probe after {} was lifted; killing its server, as a liveness "
                    + "probe would", pod, kind);
            run.faults().kill(pod);
            run.awaitReady(pods);
        } else if (ready && !diskFullWaiting(run, pod) && !run.replicationAnswers(pod)) {
            // measured once in a 10-minute soak (MariaDB 10.11.19): a follower whose writes failed with EIO for 1.6 s
            // did not crash, but its IO thread (queueing an event) and SQL thread (reading the relay log) each waited
            // for a mutex the other held; SHOW SLAVE STATUS then waits forever, while the seed's probes still pass
            LOG.warn("chaos: pod {} answers its probe but not SHOW SLAVE STATUS after {} was lifted (its replication "
                    + "threads are stuck since the failed writes); killing its server, as an operator would: the "
                    + "seed's liveness probe (mysqladmin ping) does not see it", pod, kind);
            run.faults().kill(pod);
            run.awaitReady(pods);
        }
    }

    /**
     * A full disk also holds SHOW SLAVE STATUS (MariaDB's IO thread keeps its lock while it waits for space), in force
     * or lifted less than MariaDB's retry ago (the thread sleeps until its next look at the disk).
     */
    private static boolean diskFullWaiting(ChaosRun run, int pod) {
        List<FaultEvent> history = run.faults().history();
        return history.stream().anyMatch(event -> event.kind().equals("disk-full") && event.ordinals().contains(pod)
                && event.ended() == null) || Checker.diskFreedWithinARetry(history, pod).isPresent();
    }

    private static long none(Random random) {
        return 0;
    }
}
