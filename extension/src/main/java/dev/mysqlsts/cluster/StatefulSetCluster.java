package dev.mysqlsts.cluster;

import static org.apiguardian.api.API.Status.INTERNAL;

import dev.mysqlsts.Ledger;
import dev.mysqlsts.MySqlCluster;
import dev.mysqlsts.MySqlPod;
import dev.mysqlsts.Promotion;
import dev.mysqlsts.ReplicaStatus;
import dev.mysqlsts.backend.PodEndpoint;
import dev.mysqlsts.backend.RunningStatefulSet;
import dev.mysqlsts.faults.FaultTarget;
import dev.mysqlsts.faults.FaultsController;
import dev.mysqlsts.replication.BinlogPosition;
import dev.mysqlsts.replication.Consistency;
import dev.mysqlsts.replication.Failover;
import dev.mysqlsts.replication.Replication;
import dev.mysqlsts.statements.StatementLog;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.IntPredicate;
import java.util.stream.IntStream;
import org.apiguardian.api.API;

/** The {@link MySqlCluster} of every backend: pods, readiness and replication through JDBC. */
@API(status = INTERNAL)
public final class StatefulSetCluster implements MySqlCluster, FaultTarget {

    private static final Duration DEFAULT_CATCH_UP = Duration.ofSeconds(60);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);

    private static final Duration PROMOTION_DRAIN = Duration.ofSeconds(20);
    private static final Duration CATCH_UP_STEP = Duration.ofSeconds(1);

    private final RunningStatefulSet statefulSet;
    private final FaultsController faults;
    private final PodConnector connector;
    private final GlobalVariables globals;
    private final ClientTimeouts timeouts;
    private final ChaosHooks chaos;
    private final StatementLog statements;
    private volatile int leader;

    /** A cluster without the chaos side (no ledger, no schedule), with the default client bounds. */
    public StatefulSetCluster(RunningStatefulSet statefulSet) {
        this(statefulSet, ClientTimeouts.DEFAULT, ChaosHooks.NONE);
    }

    /** @param chaos the ledger and the fault schedule, from {@code dev.mysqlsts.chaos} (wired by the JUnit glue) */
    public StatefulSetCluster(RunningStatefulSet statefulSet, ClientTimeouts timeouts, ChaosHooks chaos) {
        this(statefulSet, timeouts, chaos, StatementLog.create(Integer.getInteger(StatementLog.MAX_PROPERTY,
                StatementLog.DEFAULT_MAX)));
    }

    /** @param statements where the statements of the connections this cluster hands out are recorded */
    public StatefulSetCluster(RunningStatefulSet statefulSet, ClientTimeouts timeouts, ChaosHooks chaos,
                              StatementLog statements) {
        this.statefulSet = statefulSet;
        this.chaos = chaos;
        this.statements = statements;
        this.faults = new FaultsController(statefulSet, this,
                (seed, length, options, lift) -> chaos.schedule(this, seed, length, options, lift));
        this.connector = new PodConnector(timeouts, faults::faultsInForce, statements);
        this.globals = new GlobalVariables(statefulSet);
        this.timeouts = timeouts;
    }

    /** The backend's handle, for the JUnit glue. */
    public RunningStatefulSet statefulSet() {
        return statefulSet;
    }

    @Override
    public int replicas() {
        return statefulSet.replicas();
    }

    @Override
    public MySqlPod pod(int ordinal) {
        int replicas = replicas();
        if (ordinal < 0 || ordinal >= replicas) {
            throw new IllegalArgumentException("no pod with ordinal " + ordinal + ": the StatefulSet "
                    + statefulSet.spec().statefulSetName() + " has " + replicas + " pods, ordinals 0.." + (replicas - 1));
        }
        return new Pod(statefulSet, connector, ordinal);
    }

    @Override
    public List<MySqlPod> pods() {
        return IntStream.range(0, replicas()).mapToObj(this::pod).toList();
    }

    @Override
    public MySqlPod leader() {
        return pod(leader);
    }

    @Override
    public List<MySqlPod> followers() {
        return IntStream.range(0, replicas()).filter(n -> n != leader).mapToObj(this::pod).toList();
    }

    @Override
    public FaultsController faults() {
        return faults;
    }

    @Override
    public void scale(int replicas) {
        if (replicas <= leader) {
            throw new IllegalArgumentException("scale(" + replicas + ") would remove the leader " + leader().name());
        }
        statefulSet.scale(replicas);
    }

    @Override
    public Connection readConnection() {
        PodEndpoint endpoint = statefulSet.readEndpoint();
        return connector.connect(endpoint, "root", endpoint.userPassword());
    }

    @Override
    public String jdbcUrl() {
        return ClientUrls.of(statefulSet.writerEndpoint(), timeouts, connector);
    }

    @Override
    public String readJdbcUrl() {
        return ClientUrls.of(statefulSet.readServiceEndpoint(), timeouts, connector);
    }

    @Override
    public String replicationJdbcUrl() {
        return ClientUrls.replication(statefulSet.writerEndpoint(),
                followers().stream().map(pod -> ((Pod) pod).endpoint()).toList(), timeouts, connector);
    }

    @Override
    public ReplicaStatus replicaStatus(int ordinal) {
        Pod pod = (Pod) pod(ordinal);
        return Replication.replicaStatus(pod.endpoint().adminJdbcUrl())
                .orElseThrow(() -> new IllegalStateException(pod.name() + " is not a replica (SHOW SLAVE STATUS is "
                        + "empty)" + (ordinal == leader ? ": it is the leader" : "")));
    }

    @Override
    public void assertConsistent() {
        awaitReplicationCaughtUp();
        Map<String, String> urls = new LinkedHashMap<>();
        urls.put(leader().name(), ((Pod) leader()).endpoint().adminJdbcUrl());
        followers().forEach(pod -> urls.put(pod.name(), ((Pod) pod).endpoint().adminJdbcUrl()));
        List<String> differences = Consistency.differences(urls);
        if (!differences.isEmpty()) {
            throw new AssertionError("pods hold different data (CHECKSUM TABLE, compared with the leader "
                    + leader().name() + "):\n  " + String.join("\n  ", differences));
        }
    }

    @Override
    public synchronized Promotion promote(int ordinal) {
        MySqlPod target = pod(ordinal);
        if (ordinal == leader) {
            throw new IllegalArgumentException("promote(" + ordinal + "): " + target.name() + " is the leader already");
        }
        Instant started = Instant.now();
        int oldLeader = leader;
        // a follower cut off from the old source, frozen, stopped or delayed beyond the bound cannot drain: waiting
        // for it would only cost the bound (the promotion reports it behind the new source)
        Promotion promotion = Failover.promote(statefulSet, oldLeader, ordinal,
                () -> awaitReplicationCaughtUp(PROMOTION_DRAIN,
                        n -> !faults.inForce().cannotDrain(oldLeader, n, PROMOTION_DRAIN)));
        leader = ordinal;
        faults.inForce().replicationReconfigured();
        faults.casualties().promoted(promotion);
        faults.record().mark("promote", List.of(ordinal), started, Instant.now());
        return promotion;
    }

    @Override
    public synchronized void rebuild(int ordinal) {
        MySqlPod pod = pod(ordinal);
        if (ordinal == leader || ordinal == 0) {
            throw new IllegalArgumentException("rebuild(" + ordinal + "): " + pod.name() + " is "
                    + (ordinal == leader ? "the leader: promote another pod first, then rebuild it"
                    : "ordinal 0, which has no previous ordinal to clone from")
                    + "; rebuild takes a follower with ordinal 1.." + (replicas() - 1));
        }
        Instant started = Instant.now();
        statefulSet.rebuild(ordinal, leader);
        faults.inForce().podRebuilt(ordinal);
        faults.casualties().rebuilt(ordinal);
        faults.record().mark("rebuild", List.of(ordinal), started, Instant.now());
    }

    @Override
    public Ledger ledger() {
        return chaos.ledger(this);
    }

    @Override
    public void awaitReady() {
        statefulSet.awaitReady(READY_TIMEOUT);
    }

    @Override
    public void awaitReplicationCaughtUp() {
        awaitReplicationCaughtUp(DEFAULT_CATCH_UP);
    }

    @Override
    public void awaitReplicationCaughtUp(Duration timeout) {
        awaitReplicationCaughtUp(timeout, ordinal -> true);
    }

    /** Like {@link #awaitReplicationCaughtUp(Duration)}, for the followers {@code which} accepts only. */
    @Override
    public void awaitReplicationCaughtUp(Duration timeout, IntPredicate which) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Pod leader = (Pod) leader();
        BinlogPosition target = Replication.sourcePosition(leader.endpoint().adminJdbcUrl())
                .orElseThrow(() -> new IllegalStateException(leader.name() + " writes no binary log (SHOW MASTER STATUS "
                        + "is empty), so followers cannot replicate from it: enable log-bin in the leader's config"));
        List<String> behind = new ArrayList<>();
        for (MySqlPod follower : followers()) {
            if (!which.test(follower.ordinal())) {
                continue;
            }
            String url = ((Pod) follower).endpoint().adminJdbcUrl();
            if (!awaitApplied(follower.name(), url, target, deadline)) {
                behind.add(follower.name() + ": " + Replication.replicaStatus(url).map(ReplicaStatus::summary)
                        .orElse("not a replica (SHOW SLAVE STATUS is empty)")
                        + faults.slowLinks(leader.ordinal(), follower.ordinal()).map(f -> "; " + f).orElse(""));
            }
        }
        if (!behind.isEmpty()) {
            throw new AssertionError("replication did not catch up with " + leader.name() + " at " + target + " within "
                    + timeout.toMillis() + " ms:\n  " + String.join("\n  ", behind));
        }
    }

    /**
     * Waits in steps of a second, so that a follower whose replication stopped with an error fails at once
     * ({@link ReplicationBrokenError}) instead of at the deadline.
     */
    private static boolean awaitApplied(String name, String url, BinlogPosition target, long deadline) {
        while (true) {
            long remaining = deadline - System.nanoTime();
            long step = Math.max(1_000_000, Math.min(remaining, CATCH_UP_STEP.toNanos()));
            long asked = System.nanoTime();
            if (Replication.awaitApplied(url, target, Duration.ofNanos(step))) {
                return true;
            }
            Optional<ReplicaStatus> status = Replication.replicaStatus(url);
            if (status.isPresent() && ReplicationBrokenError.isBroken(status.get())) {
                throw new ReplicationBrokenError(name, status.get());
            }
            if (System.nanoTime() >= deadline) {
                return false;
            }
            long waited = System.nanoTime() - asked;
            if (waited < step) { // MASTER_POS_WAIT returns at once while the SQL thread is not running
                sleep(Math.min(step - waited, 100_000_000));
            }
        }
    }

    private static void sleep(long nanos) {
        try {
            TimeUnit.NANOSECONDS.sleep(nanos);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for replication", e);
        }
    }

    /**
     * Puts the cluster back as the next test expects it after a test method: its faults undone, the leader on
     * ordinal 0, every follower replicating and caught up, then the global variables the test changed set back to
     * what they were when it began (after the repair, which may restart pods). A follower whose replication broke
     * (or that cannot catch up) is rebuilt. Throws the failure the test left behind (naming pod, error and test)
     * after the repair; throws {@link ClusterBrokenException} when the repair itself fails.
     */
    public void resetAfterTest(String testName) {
        try {
            new ClusterRepair(this, statefulSet, faults).afterTest(testName);
        } catch (ClusterBrokenException broken) {
            throw broken;
        } catch (RuntimeException | AssertionError testsFailure) { // the repair ran; the test's failure comes after
            globals.restore(testName);
            throw testsFailure;
        }
        globals.restore(testName);
    }

    /**
     * A test method begins: every pod's global variables are read, so that {@link #resetAfterTest} sets back what
     * the test changes (one {@code SHOW GLOBAL VARIABLES} per pod).
     */
    public void beginTest(String testName) {
        statements.beginTest(testName);
        globals.snapshot(testName);
    }

    /** The statements the connections this cluster handed out sent, for the reproduction bundle. */
    public StatementLog statements() {
        return statements;
    }

    @Override
    public int leaderOrdinal() {
        return leader;
    }

    /** The chaos side: the ledger, the schedule and its seed. */
    ChaosHooks chaos() {
        return chaos;
    }

    @Override
    public Path exportReproduction(Path directory) {
        return ReproductionBundle.write(this, directory, "");
    }

    /** {@link #exportReproduction(Path)} with what the test asserted (its failure), which {@code reproduce.sh} prints. */
    public Path exportReproduction(Path directory, String failure) {
        return ReproductionBundle.write(this, directory, failure);
    }

    @Override
    public String toString() {
        return statefulSet.name();
    }
}
