package dev.mysqlsts.junit;

import static org.apiguardian.api.API.Status.INTERNAL;

import dev.mysqlsts.MySqlCluster;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apiguardian.api.API;

/**
 * The clusters running in this JVM by {@link ClusterKey}, for integrations that resolve a test class's cluster
 * outside JUnit's extension context (Spring's test context reads its endpoints here when it starts).
 */
@API(status = INTERNAL)
public final class RunningClusters {

    private static final Map<ClusterKey, Running> RUNNING = new ConcurrentHashMap<>();

    /**
     * A cluster and how many clusters of its key were started in this JVM (1 for the first; a shared cluster broken
     * beyond repair is replaced by the next generation, whose ports differ).
     */
    public record Running(MySqlCluster cluster, int generation) {
    }

    private RunningClusters() {
    }

    /** The running cluster of this key, if any. */
    public static Optional<Running> get(ClusterKey key) {
        return Optional.ofNullable(RUNNING.get(key)).filter(running -> running.cluster() != null);
    }

    static void started(ClusterKey key, MySqlCluster cluster) {
        RUNNING.merge(key, new Running(cluster, 1),
                (before, now) -> new Running(cluster, before.generation() + 1));
    }

    /** The cluster stopped: it is no longer handed out (the generation count is kept for the next one). */
    static void stopped(ClusterKey key, MySqlCluster cluster) {
        RUNNING.computeIfPresent(key, (k, running) -> running.cluster() == cluster
                ? new Running(null, running.generation()) : running);
    }
}
