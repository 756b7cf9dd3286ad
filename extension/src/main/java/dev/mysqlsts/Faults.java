package dev.mysqlsts;

import java.time.Duration;

/**
 * Failure injection on the running StatefulSet. Every call logs one line (fault, pod, time); every fault is
 * undone after each test method, so no test inherits one. Inject it as a test parameter or get it from
 * {@link MySqlCluster#faults()}.
 *
 * <pre>{@code
 * @Test
 * void followerMissesWritesWhileIsolated(Faults faults, MySqlCluster cluster) {
 *     faults.isolate(2);
 *     // write on the leader: mysql-2 does not see it until faults.heal()
 * }
 * }</pre>
 */
public interface Faults {

    /** Crashes the pod's server (SIGKILL); it is restarted on the same data, as the kubelet restarts a container. */
    void kill(int ordinal);

    /** Deletes the pod gracefully (SIGTERM); it comes back with the same name and data; returns once it is Ready. */
    void deletePod(int ordinal);

    /** Freezes the pod's server (SIGSTOP): connections hang, nothing answers, the readiness probe fails. */
    void pause(int ordinal);

    /** Thaws a paused pod; an error if it is not paused. */
    void resume(int ordinal);

    /** Cuts every link between this pod and the other pods; the test's own connections still reach it. */
    void isolate(int ordinal);

    /**
     * Splits the pods in two: packets between {@code side} and every other pod are dropped, established
     * connections included (as iptables DROP does); the test's own connections still reach every pod.
     */
    void partition(int... side);

    /** Delays every byte to and from the pod by {@code delay}. */
    void latency(int ordinal, Duration delay);

    /** Makes the pod's readiness probe fail while the server keeps running. */
    void breakReadiness(int ordinal);

    /** Lets the pod's readiness probe pass again. */
    void restoreReadiness(int ordinal);

    /** Stops the follower's replication threads ({@code STOP SLAVE}). */
    void stopReplication(int ordinal);

    /** Starts the follower's replication threads ({@code START SLAVE}). */
    void startReplication(int ordinal);

    /** Undoes every fault above; returns when every pod is Ready and replication has caught up. */
    void heal();
}
