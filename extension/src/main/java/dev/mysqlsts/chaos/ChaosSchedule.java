package dev.mysqlsts.chaos;

import dev.mysqlsts.Faults;
import dev.mysqlsts.MySqlCluster;
import java.time.Duration;
import java.util.List;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a {@link ChaosPlan} in a background thread through the {@link Faults} API (so every fault is in the
 * history and healed like the others): each step at its offset, held, then undone. It stops at the end of the plan,
 * when the test method ends, or at {@value #LATE_MS} ms past its length when the machine fell behind (the steps left
 * are named in the log).
 */
final class ChaosSchedule {

    private static final Logger LOG = LoggerFactory.getLogger(ChaosSchedule.class);
    static final long LATE_MS = 30_000;
    private static final Duration READY_AFTER_KILL = Duration.ofSeconds(30);
    private static final long JOIN_MS = 30_000;

    private final long seed;
    private final Duration length;
    private final List<ChaosPlan.Step> plan;
    private final Faults faults;
    private final MySqlCluster cluster;
    private final BiConsumer<String, List<Integer>> liftCut;
    private final Thread thread;
    private volatile boolean stopping;

    ChaosSchedule(long seed, Duration length, List<ChaosPlan.Step> plan, Faults faults, MySqlCluster cluster,
                  BiConsumer<String, List<Integer>> liftCut) {
        this.seed = seed;
        this.length = length;
        this.plan = plan;
        this.faults = faults;
        this.cluster = cluster;
        this.liftCut = liftCut;
        this.thread = new Thread(this::run, "mysqlsts-chaos-" + seed);
        thread.setDaemon(true);
    }

    long seed() {
        return seed;
    }

    void start() {
        thread.start();
    }

    /** Stops after undoing the step in force, within a bound; returns at once when it ended already. */
    void stop() {
        stopping = true; // seen within 100 ms: no interrupt, which would break a signal or statement under way
        try {
            thread.join(JOIN_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            LOG.warn("chaos seed {}: the schedule did not stop within {} ms", seed, JOIN_MS);
        }
    }

    boolean running() {
        return thread.isAlive();
    }

    private void run() {
        long start = System.currentTimeMillis();
        int done = 0;
        for (ChaosPlan.Step step : plan) {
            if (!waitUntil(start + step.at()) || stopping) {
                break;
            }
            if (System.currentTimeMillis() > start + length.toMillis() + LATE_MS) {
                LOG.warn("chaos seed {}: {} ms behind the plan; the {} steps left are skipped, from {}", seed,
                        System.currentTimeMillis() - start - step.at(), plan.size() - done, step);
                break;
            }
            LOG.info("chaos seed {}: step {}/{}: faults.{} for {} ms", seed, done + 1, plan.size(), step.call(),
                    step.hold());
            boolean injected = inject(step);
            try {
                waitUntil(System.currentTimeMillis() + step.hold());
            } finally {
                if (injected) {
                    undo(step);
                }
            }
            done++;
        }
        LOG.info("chaos seed {}: schedule {} after {} of {} steps in {} ms", seed,
                stopping ? "stopped (end of the test)" : "ended", done, plan.size(), System.currentTimeMillis() - start);
    }

    private boolean inject(ChaosPlan.Step step) {
        int pod = step.ordinals().get(0);
        try {
            switch (step.kind()) {
                case "kill" -> faults.kill(pod);
                case "pause" -> faults.pause(pod);
                case "isolate" -> faults.isolate(pod);
                case "partition" -> faults.partition(step.ordinals().stream().mapToInt(Integer::intValue).toArray());
                case "latency" -> faults.latency(pod, Duration.ofMillis(step.latency()));
                case "stopReplication" -> {
                    if (pod == cluster.leader().ordinal()) {
                        LOG.info("chaos seed {}: skips stopReplication({}): {} is the leader now", seed, pod,
                                cluster.pod(pod).name());
                        return false;
                    }
                    faults.stopReplication(pod);
                }
                default -> throw new IllegalStateException("unknown fault " + step.kind());
            }
            return true;
        } catch (RuntimeException e) {
            LOG.warn("chaos seed {}: faults.{} failed: {}", seed, step.call(), e.getMessage());
            return false;
        }
    }

    private void undo(ChaosPlan.Step step) {
        int pod = step.ordinals().get(0);
        try {
            switch (step.kind()) {
                case "kill" -> {
                    if (!stopping) {
                        awaitReady(pod);
                    }
                }
                case "pause" -> faults.resume(pod);
                case "isolate", "partition" -> liftCut.accept(step.kind(), step.ordinals());
                case "latency" -> faults.latency(pod, Duration.ZERO);
                case "stopReplication" -> {
                    if (pod != cluster.leader().ordinal()) {
                        faults.startReplication(pod);
                    }
                }
                default -> throw new IllegalStateException("unknown fault " + step.kind());
            }
        } catch (RuntimeException e) {
            LOG.warn("chaos seed {}: undoing faults.{} failed: {}", seed, step.call(), e.getMessage());
        }
    }

    private void awaitReady(int pod) {
        long deadline = System.currentTimeMillis() + READY_AFTER_KILL.toMillis();
        while (System.currentTimeMillis() < deadline && !stopping) {
            if (cluster.pod(pod).isReady()) {
                return;
            }
            if (!waitUntil(System.currentTimeMillis() + 100)) {
                return;
            }
        }
        LOG.warn("chaos seed {}: {} was not Ready {} s after its kill", seed, cluster.pod(pod).name(),
                READY_AFTER_KILL.toSeconds());
    }

    /** Sleeps until the time; false when interrupted (the test ended). */
    private boolean waitUntil(long epochMs) {
        long left;
        while ((left = epochMs - System.currentTimeMillis()) > 0) {
            if (stopping) {
                return false;
            }
            try {
                Thread.sleep(Math.min(left, 100));
            } catch (InterruptedException e) {
                return false;
            }
        }
        return !stopping;
    }
}
