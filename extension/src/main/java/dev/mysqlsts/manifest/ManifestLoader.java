package dev.mysqlsts.manifest;

import static org.apiguardian.api.API.Status.INTERNAL;

import org.apiguardian.api.API;

/**
 * Reads Kubernetes manifests (a ConfigMap with the leader and follower server configs, a headless Service,
 * an optional read Service and one StatefulSet) into the {@link ClusterSpec} the backends run.
 *
 * <pre>{@code
 * ClusterSpec bundled = ManifestLoader.load("", -1);                 // the manifests shipped in this jar
 * ClusterSpec mine = ManifestLoader.load("src/test/k8s", 2);         // a directory, with 2 replicas
 * ClusterSpec cp = ManifestLoader.load("classpath:k8s/mysql.yaml", -1);
 * }</pre>
 *
 * <p>Which ConfigMap key is the leader's config and which the followers' is read from the system properties
 * {@value #LEADER_CONFIG_KEY_PROPERTY} and {@value #FOLLOWER_CONFIG_KEY_PROPERTY} if set, else from the init
 * container's {@code if [[ $ordinal -eq 0 ]]; then cp .../X ...; else cp .../Y ...; fi}, else from the
 * well-known pairs master.cnf/slave.cnf, primary.cnf/replica.cnf, leader.cnf/follower.cnf and
 * source.cnf/replica.cnf.
 */
@API(status = INTERNAL)
public final class ManifestLoader {

    /** System property naming the ConfigMap key of the leader's (ordinal 0) server config. */
    public static final String LEADER_CONFIG_KEY_PROPERTY = ConfigKeys.LEADER_PROPERTY;
    /** System property naming the ConfigMap key of the followers' server config. */
    public static final String FOLLOWER_CONFIG_KEY_PROPERTY = ConfigKeys.FOLLOWER_PROPERTY;

    private ManifestLoader() {}

    /**
     * Loads the manifests at {@code location}.
     *
     * @param location         {@code ""} for the bundled manifests; a directory (every {@code *.yaml} and
     *                         {@code *.yml} in it, sorted by name) or a YAML file, relative to the working
     *                         directory or absolute; or {@code classpath:some/dir} / {@code classpath:some/file.yaml}
     * @param replicasOverride the number of pods, or {@code -1} for the StatefulSet's {@code spec.replicas}
     *                         (1 when absent); the caller validates other values
     * @return the cluster the manifests describe
     * @throws ManifestException naming the file (and line) and the fix when the manifests cannot be used
     */
    public static ClusterSpec load(String location, int replicasOverride) {
        Manifests manifests = Manifests.parse(ManifestSources.resolve(location));
        return ClusterSpecReader.read(manifests, replicasOverride);
    }
}
