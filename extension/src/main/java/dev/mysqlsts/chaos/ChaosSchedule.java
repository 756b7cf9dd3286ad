package dev.mysqlsts.chaos;

import dev.mysqlsts.Faults;
import dev.mysqlsts.MySqlCluster;
import dev.mysqlsts.MySqlPod;
import dev.mysqlsts.faults.FaultHistory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a {@link ChaosPlan} in background threads, one per lane, through the {@link Faults} API (so every fault is in
 * the history and healed like the others): each step at its offset, held, then undone. A step whose pods already
 * suffer the same kind from another lane is skipped (two pauses of one pod would be undone by the first resume). A
 * fail-over step waits until the other lanes' faults are undone and holds their next steps until it returns. It
 * stops at the end of the plan, when the test method ends, or at {@value #LATE_MS} ms past its length when the machine
 * fell behind (the steps left are named in the log).
 */
final class ChaosSchedule implements ChaosRun {

    private static final Logger LOG = LoggerFactory.getLogger(ChaosSchedule.class);
    static final long LATE_MS = 30_000;
    private static final Duration READY_AFTER_KILL = Duration.ofSeconds(30);
    private static final int UNDO_ATTEMPTS = 4;
    private static final long JOIN_MS = 30_000;

    private final long seed;
    private final Duration length;
    private final List<ChaosPlan.Step> plan;
    private final Faults faults;
    private final MySqlCluster cluster;
    private final FaultHistory history;
    private final BiConsumer<String, List<Integer>> lift;
    private final Consumer<MySqlCluster> failover;
    private final List<Thread> threads = new ArrayList<>();
    /** {@code kind:ordinal} of the schedule's faults in force, so that two lanes never stack one kind on one pod. */
    private final Set<String> inForce = new HashSet<>();
    /**
     * Held shared by each step while it is in force and alone by a fail-over step: the fail-over code meets the crash
     * of the leader alone, not a promotion that another lane's kill or freeze hits midway (fair: a waiting fail-over
     * step holds the other lanes' next steps back).
     */
    private final ReentrantReadWriteLock alone = new ReentrantReadWriteLock(true);
    private volatile boolean stopping;
    private long start;

    ChaosSchedule(long seed, Duration length, List<ChaosPlan.Step> plan, int lanes, Faults faults, MySqlCluster cluster,
                  FaultHistory history, BiConsumer<String, List<Integer>> lift, Consumer<MySqlCluster> failover) {
        this.seed = seed;
        this.length = length;
        this.plan = plan;
        this.faults = faults;
        this.cluster = cluster;
        this.history = history;
        this.lift = lift;
        this.failover = failover;
        for (int lane = 0; lane < lanes; lane++) {
            int mine = lane;
            List<ChaosPlan.Step> steps = plan.stream().filter(step -> step.lane() == mine).toList();
            Thread thread = new Thread(() -> run(steps), "mysqlsts-chaos-" + seed + (lanes > 1 ? "-lane" + lane : ""));
            thread.setDaemon(true);
            threads.add(thread);
        }
    }

    long seed() {
        return seed;
    }

    void start() {
        start = System.currentTimeMillis();
        threads.forEach(Thread::start);
    }

    /** Stops after undoing the steps in force, within a bound; returns at once when it ended already. */
    void stop() {
        stopping = true; // seen within 100 ms: no interrupt, which would break a signal or statement under way
        long deadline = System.currentTimeMillis() + JOIN_MS;
        for (Thread thread : threads) {
            try {
                thread.join(Math.max(1, deadline - System.currentTimeMillis()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (running()) {
            LOG.warn("chaos seed {}: the schedule did not stop within {} ms", seed, JOIN_MS);
        }
    }

    boolean running() {
        return threads.stream().anyMatch(Thread::isAlive);
    }

    private void run(List<ChaosPlan.Step> steps) {
        int done = 0;
        for (ChaosPlan.Step step : steps) {
            if (!waitUntil(start + step.at()) || stopping) {
                break;
            }
            if (System.currentTimeMillis() > start + length.toMillis() + LATE_MS) {
                LOG.warn("chaos seed {}: {} ms behind the plan; the {} steps left on this lane are skipped, from {}",
                        seed, System.currentTimeMillis() - start - step.at(), steps.size() - done, step);
                break;
            }
            ChaosKind kind = ChaosKind.byId(step.kind()).orElseThrow();
            Lock lock = kind == ChaosKind.FAILOVER ? alone.writeLock() : alone.readLock();
            if (!lockUntilStopping(lock)) {
                break;
            }
            try {
                List<Integer> pods = pods(step, kind); // after the lock: a fail-over may have moved the leader
                if (!pods.isEmpty() && claim(kind, pods)) {
                    try {
                        LOG.info("chaos seed {}: step {}/{}: faults.{} on {} for {} ms", seed, plan.indexOf(step) + 1,
                                plan.size(), step.call(), pods, step.hold());
                        boolean injected = act("", kind, pods, step, () -> kind.inject(this, pods, step.amount()));
                        try {
                            waitUntil(System.currentTimeMillis() + step.hold());
                        } finally {
                            if (injected) {
                                undoing(kind, pods, step);
                            }
                        }
                    } finally {
                        release(kind, pods);
                    }
                }
            } finally {
                lock.unlock();
            }
            done++;
        }
        LOG.info("chaos seed {}: {} {} after {} of {} steps in {} ms", seed, Thread.currentThread().getName(),
                stopping ? "stopped (end of the test)" : "ended", done, steps.size(), System.currentTimeMillis() - start);
    }

    /** The step's pods now; empty (skipped, logged) when it cannot run on the cluster of this moment. */
    private List<Integer> pods(ChaosPlan.Step step, ChaosKind kind) {
        int leader = cluster.leader().ordinal();
        List<Integer> pods = step.pods(leader, cluster.followers().stream().map(MySqlPod::ordinal).toList());
        if (pods.isEmpty()) {
            LOG.info("chaos seed {}: skips {}: the pods it names are gone", seed, step.call());
        } else if (kind.shape() == ChaosKind.Shape.FOLLOWER && pods.contains(leader)) {
            LOG.info("chaos seed {}: skips {}: {} is the leader now", seed, step.call(), cluster.pod(leader).name());
            return List.of();
        }
        return pods;
    }

    /**
     * Undoes the step, trying again (up to {@value #UNDO_ATTEMPTS} times, once its pods are Ready) when the undo fails:
     * a pod that restarts meanwhile (another lane's kill) refuses the connection, and a fault whose undo failed stays
     * in force until heal().
     */
    private void undoing(ChaosKind kind, List<Integer> pods, ChaosPlan.Step step) {
        for (int attempt = 1; attempt <= UNDO_ATTEMPTS; attempt++) {
            try {
                undo(kind, pods, step);
                return;
            } catch (RuntimeException e) {
                boolean last = attempt == UNDO_ATTEMPTS || stopping;
                LOG.warn("chaos seed {}: undoing faults.{} on {} failed{}: {}", seed, step.call(), pods,
                        last ? "; it stays in force until heal()" : " (attempt " + attempt + "); trying again once "
                                + pods + " are Ready", e.getMessage());
                if (last || !awaitReady(pods) && stopping) {
                    return;
                }
                waitUntil(System.currentTimeMillis() + 2000); // a pod that just came back may flap while it recovers
            }
        }
    }

    private void undo(ChaosKind kind, List<Integer> pods, ChaosPlan.Step step) {
        if (kind.shape() == ChaosKind.Shape.FOLLOWER && pods.contains(cluster.leader().ordinal())) {
            return; // promoted meanwhile: the promotion set up its replication anew
        }
        kind.undo(this, pods, step.amount()); // a crash's undo (awaitReady) returns at once when stopping
    }

    private synchronized boolean claim(ChaosKind kind, List<Integer> pods) {
        List<String> keys = pods.stream().map(pod -> kind.id() + ":" + pod).toList();
        if (keys.stream().anyMatch(inForce::contains)) {
            LOG.info("chaos seed {}: skips {} on {}: another lane's {} is in force there", seed, kind.id(), pods,
                    kind.id());
            return false;
        }
        inForce.addAll(keys);
        return true;
    }

    private synchronized void release(ChaosKind kind, List<Integer> pods) {
        pods.forEach(pod -> inForce.remove(kind.id() + ":" + pod));
    }

    private boolean act(String what, ChaosKind kind, List<Integer> pods, ChaosPlan.Step step, Runnable action) {
        try {
            action.run();
            return true;
        } catch (RuntimeException e) {
            LOG.warn("chaos seed {}: {}faults.{} on {} failed: {}", seed, what, step.call(), pods, e.getMessage());
            return false;
        }
    }

    @Override
    public Faults faults() {
        return faults;
    }

    @Override
    public void lift(String kind, List<Integer> pods) {
        lift.accept(kind, pods);
    }

    @Override
    public void failover(int leader) {
        history.started("failover", List.of(leader));
        try {
            faults.kill(leader);
            LOG.info("chaos seed {}: {} (the leader) crashed; calling the fail-over code", seed, cluster.pod(leader).name());
            failover.accept(cluster);
            LOG.info("chaos seed {}: the fail-over code returned; the leader is {}", seed, cluster.leader().name());
        } catch (RuntimeException | AssertionError e) {
            LOG.warn("chaos seed {}: the fail-over code failed after the crash of {}: {}", seed,
                    cluster.pod(leader).name(), e.toString());
        } finally {
            history.ended("failover", pods -> pods.equals(List.of(leader)));
        }
    }

    @Override
    public boolean awaitReady(List<Integer> pods) {
        long deadline = System.currentTimeMillis() + READY_AFTER_KILL.toMillis();
        while (System.currentTimeMillis() < deadline && !stopping) {
            if (pods.stream().allMatch(pod -> pod >= cluster.replicas() || cluster.pod(pod).isReady())) {
                return true;
            }
            if (!waitUntil(System.currentTimeMillis() + 100)) {
                return false;
            }
        }
        if (!stopping) {
            LOG.warn("chaos seed {}: {} not all Ready {} s after the crash", seed, pods, READY_AFTER_KILL.toSeconds());
        }
        return false;
    }

    @Override
    public boolean replicationAnswers(int pod) {
        if (pod >= cluster.replicas() || pod == cluster.leader().ordinal()) {
            return true;
        }
        try {
            cluster.replicaStatus(pod);
            return true;
        } catch (IllegalStateException e) {
            return true; // not a replica (a fail-over made it the leader meanwhile): nothing of it to hang
        } catch (RuntimeException e) {
            LOG.debug("chaos seed {}: SHOW SLAVE STATUS on pod {} failed", seed, pod, e);
            return false;
        }
    }

    /** Takes the lock, polling so that the end of the test is seen; false when stopping first. */
    private boolean lockUntilStopping(Lock lock) {
        while (!stopping) {
            try {
                if (lock.tryLock(100, TimeUnit.MILLISECONDS)) {
                    return true;
                }
            } catch (InterruptedException e) {
                return false;
            }
        }
        return false;
    }

    /** Sleeps until the time; false when interrupted or stopping (the test ended). */
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
