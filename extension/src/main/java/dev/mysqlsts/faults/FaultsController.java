package dev.mysqlsts.faults;

import static org.apiguardian.api.API.Status.INTERNAL;

import dev.mysqlsts.ClientPath;
import dev.mysqlsts.FaultEvent;
import dev.mysqlsts.Faults;
import dev.mysqlsts.Promotion;
import dev.mysqlsts.ReplicaStatus;
import dev.mysqlsts.backend.FaultInjector;
import dev.mysqlsts.backend.RunningStatefulSet;
import dev.mysqlsts.cluster.StatefulSetCluster;
import dev.mysqlsts.replication.Replication;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apiguardian.api.API;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Faults} of every backend: checks the arguments, logs each fault, remembers what is in force and
 * undoes it in {@link #heal()}; the backend's {@link FaultInjector} does the work.
 */
@API(status = INTERNAL)
public final class FaultsController implements Faults {

    private static final Logger LOG = LoggerFactory.getLogger(FaultsController.class);
    private static final Duration HEAL_READY_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration HEAL_CATCH_UP_TIMEOUT = Duration.ofSeconds(60);

    private final RunningStatefulSet statefulSet;
    private final StatefulSetCluster cluster;
    /** Pods a promotion of this test reported as holding transactions the new source lacks, or could not reach. */
    private final Set<Integer> promotionCasualties = new TreeSet<>();
    private final Set<Integer> paused = new TreeSet<>();
    private final Set<Integer> replicationStopped = new TreeSet<>();
    private final Map<Integer, Long> replicationDelayed = new TreeMap<>();
    private final Map<Integer, Duration> latencies = new TreeMap<>();
    private final FaultHistory history = new FaultHistory();
    private volatile String currentTest = "(no test)";
    private boolean injected;

    public FaultsController(RunningStatefulSet statefulSet, StatefulSetCluster cluster) {
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
        crashed(ordinal);
        KillWatcher.endWhenReady(statefulSet, List.of(ordinal), () -> history.ended("kill", pods -> pods.contains(ordinal)));
    }

    @Override
    public synchronized void killAll() {
        List<Integer> all = IntStream.range(0, statefulSet.replicas()).boxed().toList();
        injected = true;
        history.started("killAll", all);
        LOG.info("fault killAll on {} at {}", names(new TreeSet<>(all)), now());
        all.forEach(injector()::kill);
        all.forEach(this::crashed);
        KillWatcher.endWhenReady(statefulSet, all, () -> history.ended("killAll", pods -> true));
    }

    @Override
    public synchronized void deletePod(int ordinal) {
        log("deletePod", ordinal);
        crashed(ordinal);
        try {
            injector().deletePod(ordinal);
        } finally {
            history.ended("deletePod", pods -> pods.contains(ordinal));
        }
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
        LOG.info("fault resume on {} at {}", name(ordinal), now());
        injector().resume(ordinal);
        paused.remove(ordinal);
        history.ended("pause", pods -> pods.contains(ordinal));
    }

    @Override
    public synchronized void isolate(int ordinal) {
        log("isolate", ordinal);
        cut(Set.of(ordinal));
    }

    @Override
    public synchronized void cut(int from, int to) {
        check("cut", from);
        check("cut", to);
        if (from == to) {
            throw new IllegalArgumentException("faults.cut(" + from + ", " + to + "): name two different pods");
        }
        injected = true;
        history.started("cut", List.of(from, to));
        LOG.info("fault cut {} -> {} (the other direction stays intact) at {}", name(from), name(to), now());
        injector().cutOneWay(from, to);
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
        injected = true;
        history.started("partition", Arrays.stream(side).boxed().toList());
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
        history.ended("latency", pods -> pods.contains(ordinal));
        if (!delay.isZero()) {
            history.started("latency", List.of(ordinal));
            latencies.put(ordinal, delay);
        } else {
            latencies.remove(ordinal);
        }
        LOG.info("fault latency {} ms on {} at {}", delay.toMillis(), name(ordinal), now());
        injector().latency(ordinal, delay);
    }

    @Override
    public ClientPath client(int ordinal) {
        check("client", ordinal);
        return new ClientPathFaults(this, ordinal);
    }

    synchronized void clientLatency(int ordinal, Duration delay, Duration jitter) {
        String call = "faults.client(" + ordinal + ").latency(" + delay + ", " + jitter + ")";
        if (delay.isNegative() || jitter.isNegative()) {
            throw new IllegalArgumentException(call + ": a delay and a jitter cannot be negative");
        }
        if (jitter.compareTo(delay) > 0) {
            throw new IllegalArgumentException(call + ": the jitter cannot exceed the delay (a byte cannot arrive "
                    + "before it was sent); give a delay of at least " + jitter.toMillis() + " ms");
        }
        check("client", ordinal);
        injected = true;
        history.ended("client-latency", pods -> pods.contains(ordinal));
        if (!delay.isZero()) {
            history.started("client-latency", List.of(ordinal));
        }
        LOG.info("fault client-latency {} ms (jitter {} ms) on the connections to {} at {}", delay.toMillis(),
                jitter.toMillis(), name(ordinal), now());
        injector().clientPaths().latency(ordinal, delay, jitter);
    }

    synchronized void clientBandwidth(int ordinal, long bytesPerSecond) {
        if (bytesPerSecond <= 0) {
            throw new IllegalArgumentException("faults.client(" + ordinal + ").bandwidth(" + bytesPerSecond
                    + "): give a positive number of bytes per second; heal() removes the limit");
        }
        check("client", ordinal);
        injected = true;
        history.ended("client-bandwidth", pods -> pods.contains(ordinal));
        history.started("client-bandwidth", List.of(ordinal));
        LOG.info("fault client-bandwidth {} bytes/s on the connections to {} at {}", bytesPerSecond, name(ordinal), now());
        injector().clientPaths().bandwidth(ordinal, bytesPerSecond);
    }

    /** {@code blackhole}, {@code reset} (one-shot: it ends as it starts) or {@code refuse} on the client path. */
    synchronized void clientFault(int ordinal, String fault) {
        check("client", ordinal);
        String kind = "client-" + fault;
        injected = true;
        history.ended(kind, pods -> pods.contains(ordinal));
        history.started(kind, List.of(ordinal));
        LOG.info("fault {} on the connections to {} at {}", kind, name(ordinal), now());
        switch (fault) {
            case "blackhole" -> injector().clientPaths().blackhole(ordinal);
            case "refuse" -> injector().clientPaths().refuse(ordinal);
            case "reset" -> {
                injector().clientPaths().reset(ordinal);
                history.ended(kind, pods -> pods.contains(ordinal));
            }
            default -> throw new IllegalArgumentException("no client-path fault " + fault);
        }
    }

    @Override
    public synchronized void breakReadiness(int ordinal) {
        log("breakReadiness", ordinal);
        injector().breakReadiness(ordinal, true);
    }

    @Override
    public synchronized void restoreReadiness(int ordinal) {
        check("restoreReadiness", ordinal);
        LOG.info("fault restoreReadiness on {} at {}", name(ordinal), now());
        injector().breakReadiness(ordinal, false);
        history.ended("breakReadiness", pods -> pods.contains(ordinal));
    }

    @Override
    public synchronized void stopReplication(int ordinal) {
        followerCheck("stopReplication", ordinal);
        LOG.info("fault stopReplication on {} at {}", name(ordinal), now());
        history.started("stopReplication", List.of(ordinal));
        replicationStopped.add(ordinal);
        Replication.stopReplica(statefulSet.endpoint(ordinal).adminJdbcUrl());
    }

    @Override
    public synchronized void startReplication(int ordinal) {
        followerCheck("startReplication", ordinal);
        LOG.info("fault startReplication on {} at {}", name(ordinal), now());
        replicationStopped.remove(ordinal);
        Replication.startReplica(statefulSet.endpoint(ordinal).adminJdbcUrl());
        history.ended("stopReplication", pods -> pods.contains(ordinal));
    }

    @Override
    public synchronized void delayReplication(int ordinal, Duration delay) {
        followerCheck("delayReplication", ordinal);
        if (delay.isNegative()) {
            throw new IllegalArgumentException("faults.delayReplication(" + ordinal + ", " + delay
                    + "): a delay cannot be negative");
        }
        long seconds = (delay.toMillis() + 999) / 1000;
        if (seconds != delay.toSeconds() && !delay.isZero()) {
            LOG.info("delayReplication({}, {} ms): replication delays are whole seconds; using {} s", ordinal,
                    delay.toMillis(), seconds);
        }
        history.ended("delayReplication", pods -> pods.contains(ordinal));
        LOG.info("fault delayReplication on {}: {} s at {}", name(ordinal), seconds, now());
        setDelay(ordinal, seconds);
        if (seconds > 0) {
            injected = true;
            history.started("delayReplication", List.of(ordinal));
            replicationDelayed.put(ordinal, seconds);
        } else {
            replicationDelayed.remove(ordinal);
        }
    }

    /** The delay in the server's dialect; a follower whose replication a fault stopped stays stopped. */
    private void setDelay(int ordinal, long seconds) {
        String url = statefulSet.endpoint(ordinal).adminJdbcUrl();
        Replication.delay(url, Duration.ofSeconds(seconds));
        if (replicationStopped.contains(ordinal)) {
            Replication.stopReplica(url);
        }
    }

    @Override
    public List<FaultEvent> history() {
        return history.faults();
    }

    /** The faults and markers of the current test method, for timelines and verdicts. */
    public FaultHistory record() {
        return history;
    }

    @Override
    public void schedule(long seed, Duration length) {
        // the schedule's logic is in dev.mysqlsts.chaos; it undoes its isolate and partition through this hook
        dev.mysqlsts.chaos.Experiment.of(cluster).schedule(seed, length, this::liftScheduledCut);
    }

    /**
     * Ends one isolate or partition of a schedule and nothing else. The injectors can only lift every network fault
     * at once (restoreAll, which also thaws and restores probes), so every other fault still in force, the test's own
     * included, is made again right after: open cuts, isolations and partitions, pauses (thawed for the few
     * milliseconds in between), latencies and broken probes. The lifted fault is marked ended only then, so the
     * history never shows it ended while the network still cuts, nor the others in force while they are not.
     */
    private synchronized void liftScheduledCut(String kind, List<Integer> pods) {
        injector().restoreAll();
        List<String> kept = new ArrayList<>();
        for (FaultEvent event : history.faults()) {
            if (event.ended() != null || event.kind().equals(kind) && event.ordinals().equals(pods)) {
                continue; // ended, or the one being lifted
            }
            List<Integer> on = event.ordinals();
            switch (event.kind()) {
                case "isolate", "partition" -> injector().cut(new TreeSet<>(on), other(new TreeSet<>(on)));
                case "cut" -> injector().cutOneWay(on.get(0), on.get(1));
                case "pause" -> on.forEach(injector()::pause);
                case "breakReadiness" -> on.forEach(ordinal -> injector().breakReadiness(ordinal, true));
                default -> {
                    continue;
                }
            }
            kept.add(event.kind() + " " + names(new TreeSet<>(on)));
        }
        latencies.forEach((ordinal, delay) -> {
            injector().latency(ordinal, delay);
            kept.add("latency " + name(ordinal));
        });
        history.ended(kind, pods::equals);
        LOG.info("chaos: {} {} lifted at {}{}", kind, names(new TreeSet<>(pods)), now(),
                kept.isEmpty() ? "" : "; still in force: " + String.join(", ", kept));
    }

    /** A test method begins: its history starts empty, and what it breaks is blamed on it. */
    public void beginTest(String testName) {
        currentTest = testName;
        history.clear();
        synchronized (this) {
            promotionCasualties.clear();
        }
    }

    /**
     * Why a pod may not answer, from the faults in force on it: for example "mysql-1 is paused since
     * 12:00:01.250 (faults.pause(1)); faults.resume(1) or heal() thaws it". Empty when no such fault is in force.
     */
    public Optional<String> faultsInForce(int ordinal) {
        return history.whyUnreachable(ordinal, name(ordinal));
    }

    /** Whether any fault was injected since the last heal. */
    public synchronized boolean hasInjected() {
        return injected || !replicationStopped.isEmpty();
    }

    /**
     * A promotion re-created replication on every pod: replication stopped by a fault runs again. A replication
     * delay is kept by CHANGE MASTER, so heal() still removes it.
     */
    public synchronized void replicationReconfigured() {
        replicationStopped.clear();
    }

    /**
     * The pods the promotion reported (transactions the new source lacks or cannot send, or unreachable): they cannot follow the new
     * source, which is the promotion's finding, not a failure of the test; heal() leaves them out of its catch-up and
     * the harness rebuilds them after the test.
     */
    public synchronized void promoted(Promotion promotion) {
        for (int ordinal = 0; ordinal < statefulSet.replicas(); ordinal++) {
            String name = name(ordinal);
            if (promotion.missingOnNewLeader().containsKey(name) || promotion.behindNewLeader().containsKey(name)
                    || promotion.unreachable().containsKey(name)) {
                promotionCasualties.add(ordinal);
            }
        }
    }

    /** The pods a promotion of the current test left unable to follow the new source. */
    public synchronized Set<Integer> promotionCasualties() {
        return Set.copyOf(promotionCasualties);
    }

    /**
     * Whether a fault in force keeps what {@code source} sends from reaching {@code follower}, or freezes either.
     */
    public boolean cutOff(int source, int follower) {
        return history.cutOff(source, follower);
    }

    /**
     * Whether a fault in force keeps {@code follower} from applying, within {@code drain}, what {@code source} has
     * sent: cut off or frozen, its replication stopped, or delayed by at least {@code drain}.
     */
    public synchronized boolean cannotDrain(int source, int follower, Duration drain) {
        return cutOff(source, follower) || replicationStopped.contains(follower)
                || replicationDelayed.getOrDefault(follower, 0L) >= drain.toSeconds();
    }

    /** A pod was rebuilt: its replication is new, with no fault of this controller in force on it. */
    public synchronized void podRebuilt(int ordinal) {
        promotionCasualties.remove(ordinal);
        replicationStopped.remove(ordinal);
        replicationDelayed.remove(ordinal);
        paused.remove(ordinal);
    }

    @Override
    public synchronized void heal() {
        long started = System.nanoTime();
        injector().restoreAll();
        injector().clientPaths().clearClientFaults();
        paused.clear();
        latencies.clear();
        statefulSet.awaitReady(HEAL_READY_TIMEOUT);
        for (int ordinal : replicationStopped) {
            if (ordinal < statefulSet.replicas() && ordinal != cluster.leader().ordinal()) {
                Replication.startReplica(statefulSet.endpoint(ordinal).adminJdbcUrl());
            }
        }
        replicationStopped.clear();
        for (int ordinal : replicationDelayed.keySet()) {
            if (ordinal < statefulSet.replicas() && ordinal != cluster.leader().ordinal()) {
                setDelay(ordinal, 0);
            }
        }
        replicationDelayed.clear();
        history.endedAll();
        reconnectReplicas();
        Set<Integer> casualties = promotionCasualties();
        if (!casualties.isEmpty()) {
            LOG.info("heal: {} cannot follow the new source (the promotion reported them); they are left out of the "
                    + "catch-up, and rebuilt after the test", names(casualties));
        }
        try {
            cluster.awaitReplicationCaughtUp(HEAL_CATCH_UP_TIMEOUT, ordinal -> !casualties.contains(ordinal));
        } catch (AssertionError e) {
            throw new AssertionError("heal() after the faults of " + currentTest + ": " + e.getMessage(), e);
        }
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
                Replication.restartIoThread(url);
            }
        }
    }

    /** The pod's server process is gone: a pause of it ended with it. */
    private void crashed(int ordinal) {
        paused.remove(ordinal);
        history.ended("pause", pods -> pods.contains(ordinal));
    }

    private void log(String fault, int ordinal) {
        check(fault, ordinal);
        injected = true;
        history.started(fault, List.of(ordinal));
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
