package dev.mysqlsts.faults;

import static dev.mysqlsts.faults.PodOrdinals.now;
import static org.apiguardian.api.API.Status.INTERNAL;

import dev.mysqlsts.ChaosOptions;
import dev.mysqlsts.ClientPath;
import dev.mysqlsts.FaultEvent;
import dev.mysqlsts.Faults;
import dev.mysqlsts.backend.DiskFault;
import dev.mysqlsts.backend.FaultInjector;
import dev.mysqlsts.backend.RunningStatefulSet;
import dev.mysqlsts.replication.Replication;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.IntStream;
import org.apiguardian.api.API;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Faults} of every backend: checks the arguments, logs each fault, records it in the
 * {@link FaultsInForce} and has the backend's {@link FaultInjector} make it. A new fault is one method here that
 * does those four, with, when {@link FaultInjector#restoreAll()} undoes it, the way to make it again
 * ({@link #inject(String, List, Runnable)}). {@link Heal} undoes them all.
 */
@API(status = INTERNAL)
public final class FaultsController implements Faults {

    private static final Logger LOG = LoggerFactory.getLogger(FaultsController.class);

    private final RunningStatefulSet statefulSet;
    private final FaultTarget cluster;
    private final ScheduleRunner schedules;
    private final PodOrdinals pods;
    private final FaultsInForce inForce = new FaultsInForce();
    private final PromotionCasualties casualties;
    private final Heal heal;
    private final HostFaults host;
    private volatile String currentTest = "(no test)";

    /**
     * @param cluster   who leads, and the wait for the followers to catch up
     * @param schedules starts {@link #schedule}s (the chaos side, which this package does not know)
     */
    public FaultsController(RunningStatefulSet statefulSet, FaultTarget cluster, ScheduleRunner schedules) {
        this.statefulSet = statefulSet;
        this.cluster = cluster;
        this.schedules = schedules;
        this.pods = new PodOrdinals(statefulSet);
        this.casualties = new PromotionCasualties(statefulSet);
        this.host = new HostFaults(this::injector, inForce, pods::name,
                ordinal -> statefulSet.endpoint(ordinal).adminJdbcUrl());
        this.heal = new Heal(statefulSet, cluster, inForce, casualties, pods, host);
    }

    private FaultInjector injector() {
        return statefulSet.faults();
    }

    @Override
    public synchronized void kill(int ordinal) {
        log("kill", ordinal);
        injector().kill(ordinal);
        inForce.resumed(ordinal);
        KillWatcher.endWhenReady(statefulSet, List.of(ordinal), () -> inForce.ended("kill", on -> on.contains(ordinal)));
    }

    @Override
    public synchronized void killAll() {
        List<Integer> all = everyPodHit("killAll");
        all.forEach(injector()::kill);
        endsWhenEveryPodIsBack("killAll", all);
    }

    @Override
    public synchronized void powerCut() {
        injector().powerCut(); // refused before anything is killed where it cannot be done
        endsWhenEveryPodIsBack("powerCut", everyPodHit("powerCut"));
    }

    /** A crash of every pod ({@code killAll}, {@code powerCut}) begins: in force and logged; returns the pods. */
    private List<Integer> everyPodHit(String kind) {
        List<Integer> all = IntStream.range(0, pods.replicas()).boxed().toList();
        inForce.injected();
        inForce.started(kind, all);
        LOG.info("fault {} on {} at {}", kind, pods.names(new TreeSet<>(all)), now());
        return all;
    }

    /** The crashed pods are no longer paused; the fault ends once every one is Ready again. */
    private void endsWhenEveryPodIsBack(String kind, List<Integer> all) {
        all.forEach(inForce::resumed);
        KillWatcher.endWhenReady(statefulSet, all, () -> inForce.ended(kind, on -> true));
    }

    @Override
    public synchronized void deletePod(int ordinal) {
        log("deletePod", ordinal);
        inForce.resumed(ordinal);
        try {
            injector().deletePod(ordinal);
        } finally {
            inForce.ended("deletePod", on -> on.contains(ordinal));
        }
    }

    @Override
    public synchronized void pause(int ordinal) {
        log("pause", ordinal, () -> injector().pause(ordinal));
        inForce.paused(ordinal);
        injector().pause(ordinal);
    }

    @Override
    public synchronized void resume(int ordinal) {
        pods.check("resume", ordinal);
        Set<Integer> paused = inForce.paused();
        if (!paused.contains(ordinal)) {
            throw new IllegalStateException("faults.resume(" + ordinal + "): " + pods.name(ordinal) + " is not paused"
                    + (paused.isEmpty() ? "; no pod is" : "; paused pods: " + pods.names(paused)));
        }
        LOG.info("fault resume on {} at {}", pods.name(ordinal), now());
        injector().resume(ordinal);
        inForce.resumed(ordinal);
    }

    @Override
    public synchronized void isolate(int ordinal) {
        Set<Integer> side = Set.of(ordinal);
        log("isolate", ordinal, () -> injector().cut(side, pods.other(side)));
        injector().cut(side, pods.other(side));
    }

    @Override
    public synchronized void cut(int from, int to) {
        pods.check("cut", from);
        pods.check("cut", to);
        if (from == to) {
            throw new IllegalArgumentException("faults.cut(" + from + ", " + to + "): name two different pods");
        }
        inject("cut", List.of(from, to), () -> injector().cutOneWay(from, to));
        LOG.info("fault cut {} -> {} (the other direction stays intact) at {}", pods.name(from), pods.name(to), now());
        injector().cutOneWay(from, to);
    }

    @Override
    public synchronized void partition(int... side) {
        Set<Integer> one = new TreeSet<>();
        for (int ordinal : side) {
            pods.check("partition", ordinal);
            one.add(ordinal);
        }
        if (one.isEmpty() || one.size() == pods.replicas()) {
            throw new IllegalArgumentException("faults.partition(" + Arrays.toString(side) + "): name the pods of one "
                    + "side, at least one and not all " + pods.replicas());
        }
        Set<Integer> other = pods.other(one);
        inject("partition", Arrays.stream(side).boxed().toList(), () -> injector().cut(one, other));
        LOG.info("fault partition: {} | {} at {}", pods.names(one), pods.names(other), now());
        injector().cut(one, other);
    }

    @Override
    public synchronized void latency(int ordinal, Duration delay) {
        if (delay.isNegative()) {
            throw new IllegalArgumentException("faults.latency(" + ordinal + ", " + delay + "): a delay cannot be negative");
        }
        pods.check("latency", ordinal);
        inForce.injected();
        inForce.ended("latency", on -> on.contains(ordinal));
        if (!delay.isZero()) {
            inForce.started("latency", List.of(ordinal), () -> injector().latency(ordinal, delay));
        }
        LOG.info("fault latency {} ms on {} at {}", delay.toMillis(), pods.name(ordinal), now());
        injector().latency(ordinal, delay);
    }

    @Override
    public synchronized void loss(int ordinal, double percent) {
        if (!(percent > 0 && percent <= 100)) {
            throw new IllegalArgumentException("faults.loss(" + ordinal + ", " + percent + "): give the percentage of "
                    + "packets to lose, above 0 and at most 100 (30 loses about one packet in three, 100 all of them);"
                    + " heal() removes the loss");
        }
        pods.check("loss", ordinal);
        double probability = percent / 100;
        replace("loss", ordinal, () -> injector().loss(ordinal, probability));
        inForce.losesEverything(ordinal, percent >= 100);
        LOG.info("fault loss {}% on the links of {} to the other pods at {}",
                BigDecimal.valueOf(percent).stripTrailingZeros().toPlainString(), pods.name(ordinal), now());
        injector().loss(ordinal, probability);
    }

    @Override
    public synchronized void jitter(int ordinal, Duration delay, Duration jitter) {
        String call = "faults.jitter(" + ordinal + ", " + delay + ", " + jitter + ")";
        if (delay.isNegative() || jitter.isNegative()) {
            throw new IllegalArgumentException(call + ": a delay and a jitter cannot be negative");
        }
        if (jitter.compareTo(delay) > 0) {
            throw new IllegalArgumentException(call + ": the jitter cannot exceed the delay (a byte cannot arrive "
                    + "before it was sent); give a delay of at least " + jitter.toMillis() + " ms, or a jitter of at "
                    + "most " + delay.toMillis() + " ms");
        }
        pods.check("jitter", ordinal);
        inForce.injected();
        inForce.ended("jitter", on -> on.contains(ordinal));
        if (!delay.isZero() || !jitter.isZero()) {
            inForce.started("jitter", List.of(ordinal), () -> injector().jitter(ordinal, delay, jitter));
        }
        LOG.info("fault jitter {} ms \u00b1 {} ms on the links of {} to the other pods at {}", delay.toMillis(),
                jitter.toMillis(), pods.name(ordinal), now());
        injector().jitter(ordinal, delay, jitter);
    }

    @Override
    public synchronized void bandwidth(int ordinal, long bytesPerSecond) {
        if (bytesPerSecond <= 0) {
            throw new IllegalArgumentException("faults.bandwidth(" + ordinal + ", " + bytesPerSecond + "): give a "
                    + "positive number of bytes per second (125000 is one megabit per second); heal() removes the "
                    + "limit, faults.isolate(" + ordinal + ") cuts the links");
        }
        pods.check("bandwidth", ordinal);
        replace("bandwidth", ordinal, () -> injector().bandwidth(ordinal, bytesPerSecond));
        LOG.info("fault bandwidth {} bytes/s each way on the links of {} to the other pods at {}", bytesPerSecond,
                pods.name(ordinal), now());
        injector().bandwidth(ordinal, bytesPerSecond);
    }

    @Override
    public synchronized void clockSkew(int ordinal, Duration offset) {
        HostFaults.checkSkew(ordinal, offset);
        pods.check("clockSkew", ordinal);
        inForce.injected();
        host.clockSkew(ordinal, offset);
    }

    @Override
    public synchronized void diskFull(int ordinal) {
        pods.check("diskFull", ordinal);
        inForce.injected();
        host.disk(ordinal, DiskFault.FULL);
    }

    @Override
    public synchronized void ioErrors(int ordinal) {
        pods.check("ioErrors", ordinal);
        inForce.injected();
        host.disk(ordinal, DiskFault.IO_ERRORS);
    }

    @Override
    public ClientPath client(int ordinal) {
        pods.check("client", ordinal);
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
        pods.check("client", ordinal);
        inForce.injected();
        inForce.ended("client-latency", on -> on.contains(ordinal));
        if (!delay.isZero()) {
            inForce.started("client-latency", List.of(ordinal));
        }
        LOG.info("fault client-latency {} ms (jitter {} ms) on the connections to {} at {}", delay.toMillis(),
                jitter.toMillis(), pods.name(ordinal), now());
        injector().clientPaths().latency(ordinal, delay, jitter);
    }

    synchronized void clientBandwidth(int ordinal, long bytesPerSecond) {
        if (bytesPerSecond <= 0) {
            throw new IllegalArgumentException("faults.client(" + ordinal + ").bandwidth(" + bytesPerSecond
                    + "): give a positive number of bytes per second; heal() removes the limit");
        }
        pods.check("client", ordinal);
        replace("client-bandwidth", ordinal);
        LOG.info("fault client-bandwidth {} bytes/s on the connections to {} at {}", bytesPerSecond, pods.name(ordinal),
                now());
        injector().clientPaths().bandwidth(ordinal, bytesPerSecond);
    }

    /** {@code blackhole}, {@code reset} (one-shot: it ends as it starts) or {@code refuse} on the client path. */
    synchronized void clientFault(int ordinal, String fault) {
        pods.check("client", ordinal);
        String kind = "client-" + fault;
        replace(kind, ordinal);
        LOG.info("fault {} on the connections to {} at {}", kind, pods.name(ordinal), now());
        switch (fault) {
            case "blackhole" -> injector().clientPaths().blackhole(ordinal);
            case "refuse" -> injector().clientPaths().refuse(ordinal);
            case "reset" -> {
                injector().clientPaths().reset(ordinal);
                inForce.ended(kind, on -> on.contains(ordinal));
            }
            default -> throw new IllegalArgumentException("no client-path fault " + fault);
        }
    }

    @Override
    public synchronized void breakReadiness(int ordinal) {
        log("breakReadiness", ordinal, () -> injector().breakReadiness(ordinal, true));
        injector().breakReadiness(ordinal, true);
    }

    @Override
    public synchronized void restoreReadiness(int ordinal) {
        pods.check("restoreReadiness", ordinal);
        LOG.info("fault restoreReadiness on {} at {}", pods.name(ordinal), now());
        injector().breakReadiness(ordinal, false);
        inForce.ended("breakReadiness", on -> on.contains(ordinal));
    }

    @Override
    public synchronized void stopReplication(int ordinal) {
        replicationThreadsCheck("stopReplication", ordinal);
        LOG.info("fault stopReplication on {} at {}", pods.name(ordinal), now());
        inForce.started("stopReplication", List.of(ordinal));
        inForce.replicationStopped(ordinal, true);
        try {
            Replication.stopReplica(statefulSet.endpoint(ordinal).adminJdbcUrl());
        } catch (RuntimeException e) {
            // not in force: the server could not be reached (paused, restarting), so nothing was sent; a schedule
            // would otherwise wait for an undo it never makes
            inForce.replicationStopped(ordinal, false);
            inForce.ended("stopReplication", on -> on.contains(ordinal));
            throw e;
        }
    }

    @Override
    public synchronized void startReplication(int ordinal) {
        replicationThreadsCheck("startReplication", ordinal);
        LOG.info("fault startReplication on {} at {}", pods.name(ordinal), now());
        inForce.replicationStopped(ordinal, false);
        Replication.startReplica(statefulSet.endpoint(ordinal).adminJdbcUrl());
        inForce.ended("stopReplication", on -> on.contains(ordinal));
    }

    @Override
    public synchronized void delayReplication(int ordinal, Duration delay) {
        replicationThreadsCheck("delayReplication", ordinal);
        if (delay.isNegative()) {
            throw new IllegalArgumentException("faults.delayReplication(" + ordinal + ", " + delay
                    + "): a delay cannot be negative");
        }
        long seconds = (delay.toMillis() + 999) / 1000;
        if (seconds != delay.toSeconds() && !delay.isZero()) {
            LOG.info("delayReplication({}, {} ms): replication delays are whole seconds; using {} s", ordinal,
                    delay.toMillis(), seconds);
        }
        inForce.ended("delayReplication", on -> on.contains(ordinal));
        LOG.info("fault delayReplication on {}: {} s at {}", pods.name(ordinal), seconds, now());
        // the delay in the server's dialect; a follower whose replication a fault stopped stays stopped
        String url = statefulSet.endpoint(ordinal).adminJdbcUrl();
        Replication.delay(url, Duration.ofSeconds(seconds));
        if (inForce.isReplicationStopped(ordinal)) {
            Replication.stopReplica(url);
        }
        if (seconds > 0) {
            inForce.started("delayReplication", List.of(ordinal), seconds + " s");
        }
        inForce.replicationDelayed(ordinal, seconds);
    }

    @Override
    public List<FaultEvent> history() {
        return inForce.history().faults();
    }

    /** The faults and markers of the current test method, for timelines and verdicts. */
    public FaultHistory record() {
        return inForce.history();
    }

    /** The faults in force, for the cluster's promotion and the chaos side's waits. */
    public FaultsInForce inForce() {
        return inForce;
    }

    /** The pods a promotion of the current test left unable to follow the new source. */
    public PromotionCasualties casualties() {
        return casualties;
    }

    @Override
    public void schedule(long seed, Duration length) {
        schedule(seed, length, ChaosOptions.mix());
    }

    @Override
    public void schedule(long seed, Duration length, ChaosOptions options) {
        // the schedule's logic is in dev.mysqlsts.chaos; it undoes its cuts and client faults through this hook
        schedules.start(seed, length, options, this::liftScheduled);
    }

    /**
     * Ends one fault of a schedule that only heal() ends otherwise: a cut of any kind, a loss, a bandwidth limit, a
     * client-path fault, a disk fault.
     */
    private void liftScheduled(String kind, List<Integer> lifted) {
        if (kind.startsWith("client-")) {
            liftScheduledClientFault(kind, lifted.get(0));
        } else if (kind.equals(DiskFault.FULL.kind()) || kind.equals(DiskFault.IO_ERRORS.kind())) {
            liftScheduledDiskFault(kind, lifted.get(0));
        } else {
            liftScheduledCut(kind, lifted);
        }
    }

    private synchronized void liftScheduledDiskFault(String kind, int ordinal) {
        host.lift(kind, ordinal);
    }

    /** Ends one client-path fault of a schedule ({@code client-bandwidth}, {@code -blackhole}, {@code -refuse}). */
    private synchronized void liftScheduledClientFault(String kind, int ordinal) {
        injector().clientPaths().lift(ordinal, kind.substring("client-".length()));
        inForce.ended(kind, on -> on.contains(ordinal));
        LOG.info("chaos: {} on the connections to {} lifted at {}", kind, pods.name(ordinal), now());
    }

    /**
     * Ends one isolate or partition of a schedule and nothing else. The injectors can only lift every network fault
     * at once (restoreAll, which also thaws and restores probes), so every other fault still in force, the test's own
     * included, is made again right after (pauses are thawed for the few milliseconds in between).
     */
    private synchronized void liftScheduledCut(String kind, List<Integer> lifted) {
        injector().restoreAll();
        List<String> kept = inForce.remakeAllBut(kind, lifted, pods);
        LOG.info("chaos: {} {} lifted at {}{}", kind, pods.names(new TreeSet<>(lifted)), now(),
                kept.isEmpty() ? "" : "; still in force: " + String.join(", ", kept));
    }

    /** A test method begins: its history starts empty, and what it breaks is blamed on it. */
    public void beginTest(String testName) {
        currentTest = testName;
        inForce.clear();
        casualties.clear();
    }

    /**
     * Why a pod may not answer, from the faults in force on it: for example "mysql-1 is paused since
     * 12:00:01.250 (faults.pause(1)); faults.resume(1) or heal() thaws it". Empty when no such fault is in force.
     */
    public Optional<String> faultsInForce(int ordinal) {
        return inForce.whyUnreachable(ordinal, pods.name(ordinal));
    }

    /**
     * What slows replication from {@code source} to {@code follower}, for an error that says a follower did not catch
     * up: the delays, losses, jitters and bandwidth limits on either pod's links. Empty when none is in force.
     */
    public Optional<String> slowLinks(int source, int follower) {
        return inForce.history().slowLinks(source, pods.name(source), follower, pods.name(follower));
    }

    @Override
    public synchronized void heal() {
        heal.heal(currentTest);
    }

    /** A fault on one pod begins: checked, marked injected, in the history, logged. */
    private void log(String fault, int ordinal) {
        log(fault, ordinal, null);
    }

    /** Like {@link #log(String, int)}; {@code remake}, if any, makes the fault again after restoreAll. */
    private void log(String fault, int ordinal, Runnable remake) {
        pods.check(fault, ordinal);
        inject(fault, List.of(ordinal), remake);
        LOG.info("fault {} on {} at {}", fault, pods.name(ordinal), now());
    }

    /** The fault is injected and in force from now; {@code remake}, if any, makes it again after restoreAll. */
    private void inject(String kind, List<Integer> on, Runnable remake) {
        inForce.injected();
        if (remake == null) {
            inForce.started(kind, on);
        } else {
            inForce.started(kind, on, remake);
        }
    }

    /** A fault that replaces the same kind on the pod: the earlier one ends now. */
    private void replace(String kind, int ordinal) {
        inForce.injected();
        inForce.ended(kind, on -> on.contains(ordinal));
        inForce.started(kind, List.of(ordinal));
    }

    /** Like {@link #replace(String, int)}, for a fault restoreAll undoes: {@code remake} makes it again. */
    private void replace(String kind, int ordinal, Runnable remake) {
        inForce.injected();
        inForce.ended(kind, on -> on.contains(ordinal));
        inForce.started(kind, List.of(ordinal), remake);
    }

    private void followerCheck(String fault, int ordinal) {
        pods.check(fault, ordinal);
        if (ordinal == cluster.leaderOrdinal()) {
            throw new IllegalArgumentException("faults." + fault + "(" + ordinal + "): " + pods.name(ordinal)
                    + " is the leader; only followers have replication threads");
        }
    }

    /**
     * Refuses to stop or start the threads of a follower whose disk is full: MariaDB holds the statement until space
     * is freed (measured on 10.11, both still waiting 75 s later). A STOP SLAVE waits for the IO thread, asleep in
     * the wait for free space; a START SLAVE writes the relay log itself. The call could not return, it would hold
     * the faults (a schedule's lift of that very disk fault included), and the statement would land whenever the
     * disk is freed.
     */
    private void replicationThreadsCheck(String fault, int ordinal) {
        followerCheck(fault, ordinal);
        if (host.diskFullNow(ordinal)) {
            throw new IllegalStateException("faults." + fault + "(" + ordinal + "): " + pods.name(ordinal) + "'s disk "
                    + "is full (faults.diskFull), and MariaDB would hold the statement until space is freed (STOP SLAVE "
                    + "waits for the IO thread, which waits for space; START SLAVE writes the relay log). Call it "
                    + "before diskFull, or after heal()");
        }
    }
}
