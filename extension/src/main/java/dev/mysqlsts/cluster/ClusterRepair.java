package dev.mysqlsts.cluster;

import dev.mysqlsts.ReplicaStatus;
import dev.mysqlsts.backend.RunningStatefulSet;
import dev.mysqlsts.faults.FaultsController;
import dev.mysqlsts.replication.BinlogPosition;
import dev.mysqlsts.replication.Consistency;
import dev.mysqlsts.replication.Replication;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What runs between two test methods: the faults the test injected are undone, and a cluster the test broke is
 * repaired (the leader role back on ordinal 0, followers that cannot catch up or hold other rows than the leader
 * rebuilt), so that the next test starts Ready, caught up and consistent, and no test is blamed for another's damage.
 */
final class ClusterRepair {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterRepair.class);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);
    /** How long a running follower may take to apply what the leader has before it is rebuilt instead. */
    private static final Duration FOLLOWER_CATCH_UP = Duration.ofSeconds(15);
    private static final Duration CATCH_UP_TIMEOUT = Duration.ofSeconds(60);

    private final StatefulSetCluster cluster;
    private final RunningStatefulSet statefulSet;
    private final FaultsController faults;

    ClusterRepair(StatefulSetCluster cluster, RunningStatefulSet statefulSet, FaultsController faults) {
        this.cluster = cluster;
        this.statefulSet = statefulSet;
        this.faults = faults;
    }

    void afterTest(String test) {
        Throwable left = null;
        Set<Integer> casualties = faults.casualties().get();
        boolean injected = faults.inForce().hasInjected();
        if (injected) {
            try {
                faults.heal();
            } catch (RuntimeException | AssertionError e) {
                left = e;
            }
        }
        // asked once the faults are undone: the leader may have been frozen or cut off until then
        boolean replicates = left == null && replicates();
        if (!injected && replicates) {
            try {
                cluster.awaitReplicationCaughtUp(CATCH_UP_TIMEOUT, ordinal -> !casualties.contains(ordinal));
            } catch (AssertionError e) {
                left = new AssertionError(test + " left replication broken: " + e.getMessage(), e);
            } catch (RuntimeException e) {
                left = new IllegalStateException(test + " left the cluster unable to replicate: " + e.getMessage(), e);
            }
        }
        Map<Integer, String> diverged = left == null && replicates ? divergedFollowers(casualties) : Map.of();
        if (left == null && diverged.isEmpty() && cluster.leaderOrdinal() == 0 && casualties.isEmpty()) {
            return;
        }
        long started = System.nanoTime();
        Instant since = Instant.now();
        List<String> repaired = new ArrayList<>();
        try {
            repair(repaired, diverged);
        } catch (RuntimeException | AssertionError e) {
            ClusterBrokenException broken = new ClusterBrokenException(statefulSet.name(), test,
                    "the harness could not repair it (" + e.getMessage() + ")", e);
            if (left != null) {
                broken.addSuppressed(left);
            }
            LOG.error(broken.getMessage());
            throw broken;
        }
        faults.record().mark("repair", List.of(), since, Instant.now());
        if (!repaired.isEmpty()) {
            LOG.info("cluster {} repaired after {} in {} ms: {}", statefulSet.name(), test,
                    (System.nanoTime() - started) / 1_000_000, String.join("; ", repaired));
        }
        if (left instanceof AssertionError assertion) {
            throw assertion;
        }
        if (left instanceof RuntimeException runtime) {
            throw runtime;
        }
    }

    /** Whether there is replication to check: followers, and a leader that writes a binary log. */
    private boolean replicates() {
        return !cluster.followers().isEmpty()
                && Replication.sourcePosition(statefulSet.endpoint(cluster.leaderOrdinal()).adminJdbcUrl()).isPresent();
    }

    /**
     * Followers whose rows differ from the leader's although replication runs and caught up (a write that bypassed
     * it, a transaction applied twice, a MEMORY table emptied by a restart): the next test would inherit them, so
     * they are rebuilt too. Pod ordinal to the tables that differ.
     */
    private Map<Integer, String> divergedFollowers(Set<Integer> casualties) {
        Map<String, String> urls = new LinkedHashMap<>();
        Map<String, Integer> ordinals = new LinkedHashMap<>();
        int leader = cluster.leaderOrdinal();
        urls.put(statefulSet.spec().podName(leader), statefulSet.endpoint(leader).adminJdbcUrl());
        for (int ordinal = 0; ordinal < statefulSet.replicas(); ordinal++) {
            if (ordinal != leader && !casualties.contains(ordinal)) {
                urls.put(statefulSet.spec().podName(ordinal), statefulSet.endpoint(ordinal).adminJdbcUrl());
                ordinals.put(statefulSet.spec().podName(ordinal), ordinal);
            }
        }
        Map<Integer, String> diverged = new TreeMap<>();
        Consistency.divergentPods(urls).forEach((pod, tables) -> diverged.put(ordinals.get(pod),
                "its rows differ from " + statefulSet.spec().podName(leader) + "'s in " + String.join(", ", tables)));
        return diverged;
    }

    private void repair(List<String> repaired, Map<Integer, String> diverged) {
        statefulSet.awaitReady(READY_TIMEOUT);
        int leader = cluster.leaderOrdinal();
        startStoppedFollowers(leader, repaired);
        if (leader != 0) {
            var promotion = cluster.promote(0);
            repaired.add("leader role back on " + statefulSet.spec().podName(0) + " (planned switch-over from "
                    + statefulSet.spec().podName(leader) + (promotion.missingOnNewLeader().isEmpty() ? ""
                    : "; transactions " + statefulSet.spec().podName(0) + " lacked: " + promotion.missingOnNewLeader()) + ")");
        }
        for (int ordinal = 1; ordinal < statefulSet.replicas(); ordinal++) {
            Optional<String> why = diverged.containsKey(ordinal) ? Optional.of(diverged.get(ordinal)) : cannotCatchUp(ordinal);
            if (why.isPresent()) {
                long started = System.nanoTime();
                cluster.rebuild(ordinal);
                repaired.add("rebuilt " + statefulSet.spec().podName(ordinal) + " in " + (System.nanoTime() - started) / 1_000_000
                        + " ms (" + why.get() + ")");
            }
        }
        cluster.awaitReplicationCaughtUp(CATCH_UP_TIMEOUT);
    }

    /**
     * Starts the replication of each follower whose both threads are stopped without an error (a STOP SLAVE the
     * test ran, or a crash restart whose server did not start it: the error log, not the replica status, says why),
     * and lets it catch up before the switch-over: ordinal 0 promoted while stopped would hand the leader role to a pod
     * that lacks what the leader acknowledged since, and the other pods would be rebuilt from it, losing those
     * transactions (the first 10-minute GTID soak lost 54,488 rows that way in its repair).
     */
    private void startStoppedFollowers(int leader, List<String> repaired) {
        Set<Integer> started = new java.util.HashSet<>();
        for (int ordinal = 0; ordinal < statefulSet.replicas(); ordinal++) {
            if (ordinal == leader) {
                continue;
            }
            String url = statefulSet.endpoint(ordinal).adminJdbcUrl();
            try {
                Optional<ReplicaStatus> status = Replication.replicaStatus(url);
                if (status.isPresent() && stoppedWithoutError(status.get())) {
                    Replication.startReplica(url);
                    started.add(ordinal);
                    repaired.add("started the replication of " + statefulSet.spec().podName(ordinal)
                            + ", stopped without an error (" + status.get().summary() + ")");
                }
            } catch (RuntimeException e) {
                LOG.warn("repair: could not start the replication of {}: {}", statefulSet.spec().podName(ordinal),
                        e.getMessage());
            }
        }
        if (!started.isEmpty()) {
            try {
                cluster.awaitReplicationCaughtUp(CATCH_UP_TIMEOUT, started::contains);
            } catch (RuntimeException | AssertionError e) {
                // the steps below rebuild a follower that still cannot catch up; the switch-over reports what
                // ordinal 0 lacks
                LOG.warn("repair: a follower whose replication was started did not catch up: {}", e.getMessage());
            }
        }
    }

    /** Both threads stopped and no error recorded: STOP SLAVE, or a server that did not start replication. */
    static boolean stoppedWithoutError(ReplicaStatus status) {
        return !status.sqlRunning() && "No".equals(status.ioState()) && status.lastSqlErrno() == 0
                && status.lastIoErrno() == 0;
    }

    /** Why the follower must be rebuilt: its replication broke, or it does not catch up in time; empty if it does. */
    private Optional<String> cannotCatchUp(int ordinal) {
        String name = statefulSet.spec().podName(ordinal);
        String url = statefulSet.endpoint(ordinal).adminJdbcUrl();
        try {
            Optional<ReplicaStatus> status = Replication.replicaStatus(url);
            if (status.isEmpty()) {
                return Optional.of("it replicates from nothing");
            }
            if (ReplicationBrokenError.isBroken(status.get())) {
                return Optional.of(ReplicationBrokenError.describe(name, status.get()));
            }
            Optional<BinlogPosition> target =
                    Replication.sourcePosition(statefulSet.endpoint(cluster.leaderOrdinal()).adminJdbcUrl());
            if (target.isPresent() && !Replication.awaitApplied(url, target.get(), FOLLOWER_CATCH_UP)) {
                return Optional.of("not caught up after " + FOLLOWER_CATCH_UP.toSeconds() + " s: "
                        + Replication.replicaStatus(url).map(ReplicaStatus::summary).orElse("no replica status"));
            }
            return Optional.empty();
        } catch (RuntimeException e) {
            return Optional.of("unreachable: " + e.getMessage());
        }
    }
}
