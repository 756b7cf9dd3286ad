package dev.mysqlsts.cluster;

import dev.mysqlsts.MySqlCluster;
import dev.mysqlsts.MySqlPod;
import dev.mysqlsts.ReplicaStatus;
import dev.mysqlsts.backend.RunningStatefulSet;
import dev.mysqlsts.replication.BinlogPosition;
import dev.mysqlsts.replication.Replication;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/** The {@link MySqlCluster} of every backend: pods, readiness and replication through JDBC. */
public final class StatefulSetCluster implements MySqlCluster {

    private static final Duration DEFAULT_CATCH_UP = Duration.ofSeconds(60);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);

    private final RunningStatefulSet statefulSet;

    public StatefulSetCluster(RunningStatefulSet statefulSet) {
        this.statefulSet = statefulSet;
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
        return new Pod(statefulSet, ordinal);
    }

    @Override
    public List<MySqlPod> pods() {
        return IntStream.range(0, replicas()).mapToObj(this::pod).toList();
    }

    @Override
    public MySqlPod leader() {
        return pod(0);
    }

    @Override
    public List<MySqlPod> followers() {
        return IntStream.range(1, replicas()).mapToObj(this::pod).toList();
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
        long deadline = System.nanoTime() + timeout.toNanos();
        Pod leader = (Pod) leader();
        BinlogPosition target = Replication.sourcePosition(leader.endpoint().adminJdbcUrl())
                .orElseThrow(() -> new IllegalStateException(leader.name() + " writes no binary log (SHOW MASTER STATUS "
                        + "is empty), so followers cannot replicate from it: enable log-bin in the leader's config"));
        List<String> behind = new ArrayList<>();
        for (MySqlPod follower : followers()) {
            String url = ((Pod) follower).endpoint().adminJdbcUrl();
            Duration remaining = Duration.ofNanos(Math.max(deadline - System.nanoTime(), 1_000_000));
            if (!Replication.awaitApplied(url, target, remaining)) {
                behind.add(follower.name() + ": " + Replication.replicaStatus(url).map(ReplicaStatus::summary)
                        .orElse("not a replica (SHOW SLAVE STATUS is empty)"));
            }
        }
        if (!behind.isEmpty()) {
            throw new AssertionError("replication did not catch up with " + leader.name() + " at " + target + " within "
                    + timeout.toMillis() + " ms:\n  " + String.join("\n  ", behind));
        }
    }

    @Override
    public String toString() {
        return statefulSet.name();
    }
}
