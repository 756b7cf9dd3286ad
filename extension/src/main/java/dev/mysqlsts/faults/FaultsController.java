package dev.mysqlsts.faults;

import dev.mysqlsts.Faults;
import dev.mysqlsts.MySqlCluster;
import dev.mysqlsts.ReplicaStatus;
import dev.mysqlsts.backend.FaultInjector;
import dev.mysqlsts.backend.RunningStatefulSet;
import dev.mysqlsts.replication.Replication;
import dev.mysqlsts.replication.Sql;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Faults} of every backend: checks the arguments, logs each fault, remembers what is in force and
 * undoes it in {@link #heal()}; the backend's {@link FaultInjector} does the work.
 */
public final class FaultsController implements Faults {

    private static final Logger LOG = LoggerFactory.getLogger(FaultsController.class);
    private static final Duration HEAL_READY_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration HEAL_CATCH_UP_TIMEOUT = Duration.ofSeconds(60);

    private final RunningStatefulSet statefulSet;
    private final MySqlCluster cluster;
    private final Set<Integer> paused = new TreeSet<>();
    private final Set<Integer> replicationStopped = new TreeSet<>();
    private boolean injected;

    public FaultsController(RunningStatefulSet statefulSet, MySqlCluster cluster) {
        this.statefulSet = statefulSet;
        this.cluster = cluster;
    }

    private FaultInjector injector() {
        return statefulSet.faults();
    }

    @Override
    public synchronized void kill(int ordinal) {
        log("kill", ordinal);
        injector().kill(ordinal);
    }

    @Override
    public synchronized void deletePod(int ordinal) {
        log("deletePod", ordinal);
        paused.remove(ordinal);
        injector().deletePod(ordinal);
    }

    @Override
    public synchronized void pause(int ordinal) {
        log("pause", ordinal);
        paused.add(ordinal);
        injector().pause(ordinal);
    }

    @Override
    public synchronized void resume(int ordinal) {
        check("resume", ordinal);
        if (!paused.contains(ordinal)) {
            throw new IllegalStateException("faults.resume(" + ordinal + "): " + name(ordinal) + " is not paused"
                    + (paused.isEmpty() ? "; no pod is" : "; paused pods: " + names(paused)));
        }
        log("resume", ordinal);
        injector().resume(ordinal);
        paused.remove(ordinal);
    }

    @Override
    public synchronized void isolate(int ordinal) {
        log("isolate", ordinal);
        cut(Set.of(ordinal));
    }

    @Override
    public synchronized void partition(int... side) {
        Set<Integer> one = new TreeSet<>();
        for (int ordinal : side) {
            check("partition", ordinal);
            one.add(ordinal);
        }
        if (one.isEmpty() || one.size() == statefulSet.replicas()) {
            throw new IllegalArgumentException("faults.partition(" + Arrays.toString(side) + "): name the pods of one "
                    + "side, at least one and not all " + statefulSet.replicas());
        }
        LOG.info("fault partition: {} | {} at {}", names(one), names(other(one)), now());
        cut(one);
    }

    private void cut(Set<Integer> side) {
        injected = true;
        injector().cut(side, other(side));
    }

    @Override
    public synchronized void latency(int ordinal, Duration delay) {
        if (delay.isNegative()) {
            throw new IllegalArgumentException("faults.latency(" + ordinal + ", " + delay + "): a delay cannot be negative");
        }
        check("latency", ordinal);
        injected = true;
        LOG.info("fault latency {} ms on {} at {}", delay.toMillis(), name(ordinal), now());
        injector().latency(ordinal, delay);
    }

    @Override
    public synchronized void breakReadiness(int ordinal) {
        log("breakReadiness", ordinal);
        injector().breakReadiness(ordinal, true);
    }

    @Override
    public synchronized void restoreReadiness(int ordinal) {
        log("restoreReadiness", ordinal);
        injector().breakReadiness(ordinal, false);
    }

    @Override
    public synchronized void stopReplication(int ordinal) {
        followerCheck("stopReplication", ordinal);
        LOG.info("fault stopReplication on {} at {}", name(ordinal), now());
        replicationStopped.add(ordinal);
        Sql.execute(statefulSet.endpoint(ordinal).adminJdbcUrl(), Replication.STATEMENT_TIMEOUT, "STOP SLAVE");
    }

    @Override
    public synchronized void startReplication(int ordinal) {
        followerCheck("startReplication", ordinal);
        LOG.info("fault startReplication on {} at {}", name(ordinal), now());
        replicationStopped.remove(ordinal);
        Sql.execute(statefulSet.endpoint(ordinal).adminJdbcUrl(), Replication.STATEMENT_TIMEOUT, "START SLAVE");
    }

    @Override
    public synchronized void killAll() {
        throw new UnsupportedOperationException("TODO");
    }

    @Override
    public synchronized void cut(int from, int to) {
        throw new UnsupportedOperationException("TODO");
    }

    @Override
    public synchronized void delayReplication(int ordinal, Duration delay) {
        throw new UnsupportedOperationException("TODO");
    }

    @Override
    public synchronized java.util.List<dev.mysqlsts.FaultEvent> history() {
        throw new UnsupportedOperationException("TODO");
    }

    @Override
    public void schedule(long seed, Duration length) {
        throw new UnsupportedOperationException("TODO");
    }

    /** Whether any fault was injected since the last heal. */
    public synchronized boolean hasInjected() {
        return injected || !replicationStopped.isEmpty();
    }

    /** A promotion re-created replication on every pod: replication stopped by a fault runs again. */
    public synchronized void replicationReconfigured() {
        replicationStopped.clear();
    }

    @Override
    public synchronized void heal() {
        long started = System.nanoTime();
        injector().restoreAll();
        paused.clear();
        statefulSet.awaitReady(HEAL_READY_TIMEOUT);
        for (int ordinal : replicationStopped) {
            if (ordinal < statefulSet.replicas() && ordinal != cluster.leader().ordinal()) {
                Sql.execute(statefulSet.endpoint(ordinal).adminJdbcUrl(), Replication.STATEMENT_TIMEOUT, "START SLAVE");
            }
        }
        replicationStopped.clear();
        reconnectReplicas();
        cluster.awaitReplicationCaughtUp(HEAL_CATCH_UP_TIMEOUT);
        injected = false;
        LOG.info("healed: {} pods Ready and caught up in {} ms", statefulSet.replicas(),
                (System.nanoTime() - started) / 1_000_000);
    }

    /** A follower whose IO thread gave up or waits for its retry is told to connect now. */
    private void reconnectReplicas() {
        for (var follower : cluster.followers()) {
            String url = statefulSet.endpoint(follower.ordinal()).adminJdbcUrl();
            ReplicaStatus status = Replication.replicaStatus(url).orElse(null);
            if (status != null && !status.ioRunning()) {
                Sql.execute(url, Replication.STATEMENT_TIMEOUT, "STOP SLAVE IO_THREAD", "START SLAVE IO_THREAD");
            }
        }
    }

    private void log(String fault, int ordinal) {
        check(fault, ordinal);
        injected = true;
        LOG.info("fault {} on {} at {}", fault, name(ordinal), now());
    }

    private void check(String fault, int ordinal) {
        int replicas = statefulSet.replicas();
        if (ordinal < 0 || ordinal >= replicas) {
            throw new IllegalArgumentException("faults." + fault + "(" + ordinal + "): no pod with ordinal " + ordinal
                    + "; the StatefulSet " + statefulSet.spec().statefulSetName() + " has " + replicas
                    + " pods, ordinals 0.." + (replicas - 1));
        }
    }

    private void followerCheck(String fault, int ordinal) {
        check(fault, ordinal);
        if (ordinal == cluster.leader().ordinal()) {
            throw new IllegalArgumentException("faults." + fault + "(" + ordinal + "): " + name(ordinal)
                    + " is the leader; only followers have replication threads");
        }
    }

    private Set<Integer> other(Set<Integer> side) {
        return IntStream.range(0, statefulSet.replicas()).filter(n -> !side.contains(n)).boxed()
                .collect(Collectors.toCollection(TreeSet::new));
    }

    private String name(int ordinal) {
        return statefulSet.spec().podName(ordinal);
    }

    private String names(Set<Integer> ordinals) {
        return ordinals.stream().map(this::name).collect(Collectors.joining(", "));
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MILLIS);
    }
}
