package dev.mysqlsts.k3s;

import dev.mysqlsts.ReplicaStatus;
import dev.mysqlsts.replication.Replication;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives each follower, once it is Ready and its sidecar has set up replication, the short net timeout, heartbeat
 * and connect retry that LOCAL followers have (4 s, 2 s, 1 s), and restarts its IO thread so they apply. The
 * seed's mysql:5.7 keeps its defaults otherwise ({@code slave_net_timeout} 60 s, heartbeat 30 s, the sidecar's
 * retry 10 s), so a cut link would show only after a minute. {@code slave_net_timeout} is a global variable,
 * lost when the container restarts: each run of a container (its containerd id) is tuned once, whenever it appears
 * (the cluster's pod informer reports a restarted container: a kill, a liveness probe's restart).
 */
final class FollowerTuning {

    private static final Logger LOG = LoggerFactory.getLogger(FollowerTuning.class);

    /** How long the sidecar may take to run its CHANGE MASTER TO after the pod is Ready. */
    static final Duration SIDECAR_TIMEOUT = Duration.ofSeconds(60);

    /** Tunes one follower, reached at {@code adminUrl}. */
    @FunctionalInterface
    interface Tuner {
        void tune(String podName, String adminUrl);
    }

    /**
     * Over JDBC: waits until the follower replicates (the sidecar's {@code CHANGE MASTER TO} ran, or it would
     * reset the heartbeat), then {@link Replication#shortenNetTimeout}.
     */
    static final Tuner JDBC = (pod, url) -> {
        try {
            Awaitility.await().atMost(SIDECAR_TIMEOUT).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                    .until(() -> Replication.replicaStatus(url).map(ReplicaStatus::sourceHost)
                            .filter(host -> !host.isEmpty()).isPresent());
        } catch (ConditionTimeoutException e) {
            throw new K3sBackendException("K3S: " + pod + " does not replicate " + SIDECAR_TIMEOUT.toSeconds()
                    + " s after it became Ready: its sidecar has not run CHANGE MASTER TO (status now: "
                    + status(url) + ")", e);
        }
        Replication.shortenNetTimeout(url);
    };

    private final String clusterName;
    private final Tuner tuner;
    private final Map<Integer, String> tuned = new ConcurrentHashMap<>();

    FollowerTuning(String clusterName, Tuner tuner) {
        this.clusterName = clusterName;
        this.tuner = tuner;
    }

    /**
     * Tunes the follower unless this run of its container was tuned already; a failure is logged with the pod
     * and does not stop the caller (the follower then keeps the server's defaults).
     *
     * @param runId the mysql container's id now
     */
    synchronized void tune(int ordinal, String podName, String runId, String adminUrl) {
        if (!needs(ordinal, runId)) {
            return;
        }
        try {
            tuner.tune(podName, adminUrl);
            tuned.put(ordinal, runId);
            LOG.info("K3S {}: {} replicates with a {} s net timeout, {} s heartbeat and {} s connect retry, as on LOCAL"
                    + " (the server's defaults are 60 s and 30 s, the sidecar's retry 10 s)", clusterName, podName,
                    Replication.NET_TIMEOUT_SECONDS, (long) Replication.HEARTBEAT_SECONDS,
                    Replication.CONNECT_RETRY_SECONDS);
        } catch (RuntimeException e) {
            LOG.warn("K3S {}: could not shorten the replication net timeout of {} (a cut link shows there only after"
                    + " 60 s): {}", clusterName, podName, e.getMessage());
        }
    }

    /** Whether this run of the follower's container is not tuned yet. */
    boolean needs(int ordinal, String runId) {
        return !runId.isEmpty() && !runId.equals(tuned.get(ordinal));
    }

    /** A pod at or above this ordinal is gone (scaled down): forget its runs. */
    void forgetFrom(int ordinal) {
        tuned.keySet().removeIf(n -> n >= ordinal);
    }

    private static String status(String url) {
        try {
            return Optional.ofNullable(Replication.replicaStatus(url).map(ReplicaStatus::summary).orElse(null))
                    .orElse("not a replica");
        } catch (RuntimeException e) {
            return e.getMessage();
        }
    }
}
