package dev.mysqlsts.backend;

import static org.apiguardian.api.API.Status.INTERNAL;

import dev.mysqlsts.manifest.ClusterSpec;
import java.time.Duration;
import org.apiguardian.api.API;

/**
 * A StatefulSet that a backend has brought up: what the backend-neutral cluster API needs from it.
 * Implementations keep the StatefulSet guarantees of DESIGN.md (ordered readiness, stable identity and
 * storage, clone from the previous ordinal, replication from ordinal 0).
 */
@API(status = INTERNAL)
public interface RunningStatefulSet extends AutoCloseable {

    /** A name unique in this JVM, for logs, for example {@code mysql#1}. */
    String name();

    /** The manifests' model, with the replicas the cluster was started with. */
    ClusterSpec spec();

    /** The number of pods now. */
    int replicas();

    /** How the test JVM reaches a pod. */
    PodEndpoint endpoint(int ordinal);

    /**
     * How the pod {@code follower} reaches the pod {@code source} for replication: the host and port to give
     * {@code CHANGE MASTER TO}.
     */
    PodEndpoint replicationAddress(int follower, int source);

    /**
     * Where a client of the read Service (the seed's {@code mysql-read}) is sent now: a pod that is Ready.
     *
     * @throws IllegalStateException naming the pods that are not Ready when none is
     */
    PodEndpoint readEndpoint();

    /**
     * The writer endpoint: a loopback address, stable for the cluster's life, whose each new connection is sent to
     * the pod that is the leader at that moment. Its {@code ordinal()} is -1.
     */
    PodEndpoint writerEndpoint();

    /**
     * The read Service (the seed's {@code mysql-read}) as a loopback address, stable for the cluster's life, whose
     * each new connection is sent to a Ready pod, spread over them. Its {@code ordinal()} is -1.
     */
    PodEndpoint readServiceEndpoint();

    /** Runs the pod's readiness probe once, now. */
    boolean isReady(int ordinal);

    /** Waits until every pod is Ready; fails naming the pods that are not, with their probe and log. */
    void awaitReady(Duration timeout);

    /**
     * Changes the number of pods as the StatefulSet controller does (ordered up, reverse-ordered down, halting
     * with an error while a pod is not Ready).
     */
    void scale(int replicas);

    /** How faults are made on this backend. */
    FaultInjector faults();

    /**
     * Stops the pod gracefully and starts it again on its data with the config of a role (the leader's: binary
     * log on, writes allowed; or a follower's), its replication threads not started, so that it cannot pull
     * anything from its old source while it restarts. Later restarts (crash, delete) keep that role.
     *
     * @throws UnsupportedOperationException where the backend cannot change one pod's config
     */
    void restartInRole(int ordinal, boolean leader);

    /**
     * Records the role whose config the pod gets at its next start (crash restart, delete, rebuild) without
     * restarting it now.
     *
     * @throws UnsupportedOperationException where the backend cannot change one pod's config
     */
    void assignRole(int ordinal, boolean leader);

    /**
     * What deleting the pod and its volume claim does: the pod's data is thrown away, and it comes back under the
     * same name, cloned from the previous ordinal and replicating from {@code leader}; returns once it is Ready.
     * {@code ordinal} is a follower's, 1 or more: {@link dev.mysqlsts.MySqlCluster#rebuild(int)} checks it, once for
     * every backend.
     */
    void rebuild(int ordinal, int leader);

    /**
     * Called when a test method using this cluster failed: write what helps to debug it (pod status, events,
     * logs) somewhere a person finds it, and log where. The default writes nothing.
     *
     * @param testName the failed test's display name
     */
    default void collectDiagnostics(String testName) {
    }

    /**
     * Stops every pod and frees what the backend holds.
     *
     * @param keepForDebugging keep data directories and logs (the test class failed); say where they are
     */
    void close(boolean keepForDebugging);

    @Override
    default void close() {
        close(false);
    }
}
