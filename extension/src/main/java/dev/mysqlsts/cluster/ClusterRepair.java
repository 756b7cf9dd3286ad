package dev.mysqlsts.cluster;

import dev.mysqlsts.ReplicaStatus;
import dev.mysqlsts.backend.RunningStatefulSet;
import dev.mysqlsts.faults.FaultsController;
import dev.mysqlsts.replication.BinlogPosition;
import dev.mysqlsts.replication.Replication;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What runs between two test methods: the faults the test injected are undone, and a cluster the test broke is
 * repaired (the leader role back on ordinal 0, followers that cannot catch up rebuilt), so that the next test
 * starts Ready and caught up and no test is blamed for another's damage.
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
        Set<Integer> casualties = faults.promotionCasualties();
        if (faults.hasInjected()) {
            try {
                faults.heal();
            } catch (RuntimeException | AssertionError e) {
                left = e;
            }
        } else if (replicates()) {
            try {
                cluster.awaitReplicationCaughtUp(CATCH_UP_TIMEOUT, ordinal -> !casualties.contains(ordinal));
            } catch (AssertionError e) {
                left = new AssertionError(test + " left replication broken: " + e.getMessage(), e);
            } catch (RuntimeException e) {
                left = new IllegalStateException(test + " left the cluster unable to replicate: " + e.getMessage(), e);
            }
        }
        if (left == null && cluster.leaderOrdinal() == 0 && casualties.isEmpty()) {
            return;
        }
        long started = System.nanoTime();
        Instant since = Instant.now();
        List<String> repaired = new ArrayList<>();
        try {
            repair(repaired);
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

    private void repair(List<String> repaired) {
        statefulSet.awaitReady(READY_TIMEOUT);
        int leader = cluster.leaderOrdinal();
        if (leader != 0) {
            var promotion = cluster.promote(0);
            repaired.add("leader role back on " + statefulSet.spec().podName(0) + " (planned switch-over from "
                    + statefulSet.spec().podName(leader) + (promotion.missingOnNewLeader().isEmpty() ? ""
                    : "; transactions " + statefulSet.spec().podName(0) + " lacked: " + promotion.missingOnNewLeader()) + ")");
        }
        for (int ordinal = 1; ordinal < statefulSet.replicas(); ordinal++) {
            Optional<String> why = cannotCatchUp(ordinal);
            if (why.isPresent()) {
                long started = System.nanoTime();
                cluster.rebuild(ordinal);
                repaired.add("rebuilt " + statefulSet.spec().podName(ordinal) + " in " + (System.nanoTime() - started) / 1_000_000
                        + " ms (" + why.get() + ")");
            }
        }
        cluster.awaitReplicationCaughtUp(CATCH_UP_TIMEOUT);
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
