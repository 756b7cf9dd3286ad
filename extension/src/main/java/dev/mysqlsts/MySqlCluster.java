package dev.mysqlsts;

import java.time.Duration;
import java.util.List;

/**
 * The running StatefulSet of a test class, injected as a test method parameter.
 *
 * <pre>{@code
 * @Test
 * void followerSeesLeaderWrites(MySqlCluster cluster) throws SQLException {
 *     try (Connection c = cluster.leader().connection()) { c.createStatement().execute("CREATE DATABASE shop"); }
 *     cluster.awaitReplicationCaughtUp();
 * }
 * }</pre>
 */
public interface MySqlCluster {

    /** The number of pods the StatefulSet has now. */
    int replicas();

    /** The pod with this ordinal; an {@link IllegalArgumentException} names the valid range otherwise. */
    MySqlPod pod(int ordinal);

    /** All pods in ordinal order. */
    List<MySqlPod> pods();

    /** Ordinal 0, the replication source. */
    MySqlPod leader();

    /** Ordinals 1 and up, in order. */
    List<MySqlPod> followers();

    /** Waits until every pod passes its readiness probe, or fails naming the pods that do not. */
    void awaitReady();

    /** Waits, up to 60 seconds, until every follower has applied everything the leader has written. */
    void awaitReplicationCaughtUp();

    /**
     * Waits until every follower has applied everything the leader had written when this was called; on
     * timeout the error shows each follower's position and replica status.
     */
    void awaitReplicationCaughtUp(Duration timeout);
}
