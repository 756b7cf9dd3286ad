package dev.mysqlsts.manifest;

import static org.apiguardian.api.API.Status.INTERNAL;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.List;
import java.util.Objects;
import org.apiguardian.api.API;

/**
 * What the manifests say about the StatefulSet, in the one form both backends read: names, size, the
 * leader and follower server configs of the ConfigMap and the probes. {@link #objects()} keeps every parsed
 * Kubernetes object for the backends that apply them.
 *
 * @param source            where the manifests came from, for messages
 * @param statefulSetName   {@code metadata.name} of the StatefulSet; pods are named {@code <name>-<ordinal>}
 * @param serviceName       {@code spec.serviceName}: the headless Service giving pods their DNS names
 * @param readServiceName   the other Service selecting the pods (the seed's {@code mysql-read}), or null
 * @param replicas          the number of pods (the annotation's override already applied)
 * @param port              the mysql container's port
 * @param leaderConfig      the ConfigMap file that ordinal 0 gets
 * @param followerConfig    the ConfigMap file that every other ordinal gets
 * @param readiness         the mysql container's readiness probe
 * @param liveness          the mysql container's liveness probe, or null
 * @param objects           every object of the manifests, unchanged
 * @param podManagementPolicy the StatefulSet's {@code spec.podManagementPolicy}: {@code OrderedReady} (the
 *                          default: each pod only once the previous one is Ready) or {@code Parallel}
 * @param serverIdOffset    what the init script adds to the ordinal for server-id (the seed: 100)
 * @param changeMasterOptions the literal options of the sidecar's {@code CHANGE MASTER TO}, as written
 */
@API(status = INTERNAL)
public record ClusterSpec(
        String source,
        String statefulSetName,
        String serviceName,
        String readServiceName,
        int replicas,
        int port,
        ConfigFile leaderConfig,
        ConfigFile followerConfig,
        ProbeSpec readiness,
        ProbeSpec liveness,
        List<HasMetadata> objects,
        String podManagementPolicy,
        int serverIdOffset,
        List<ChangeMasterOption> changeMasterOptions) {

    public static final String ORDERED_READY = "OrderedReady";
    public static final String PARALLEL = "Parallel";

    public ClusterSpec {
        Objects.requireNonNull(statefulSetName, "statefulSetName");
        Objects.requireNonNull(serviceName, "serviceName");
        Objects.requireNonNull(leaderConfig, "leaderConfig");
        Objects.requireNonNull(followerConfig, "followerConfig");
        Objects.requireNonNull(readiness, "readiness");
        objects = List.copyOf(objects);
        podManagementPolicy = podManagementPolicy == null ? ORDERED_READY : podManagementPolicy;
        changeMasterOptions = List.copyOf(changeMasterOptions);
    }

    /** A spec with the seed's defaults for the pod scripts: OrderedReady, server-id 100 + ordinal, no options. */
    public ClusterSpec(String source, String statefulSetName, String serviceName, String readServiceName, int replicas,
                       int port, ConfigFile leaderConfig, ConfigFile followerConfig, ProbeSpec readiness,
                       ProbeSpec liveness, List<HasMetadata> objects) {
        this(source, statefulSetName, serviceName, readServiceName, replicas, port, leaderConfig, followerConfig,
                readiness, liveness, objects, ORDERED_READY, 100, List.of());
    }

    /** Whether pods start without waiting for each other ({@code podManagementPolicy: Parallel}). */
    public boolean parallel() {
        return PARALLEL.equals(podManagementPolicy);
    }

    /** The server-id of an ordinal, as the init script computes it. */
    public int serverId(int ordinal) {
        return serverIdOffset + ordinal;
    }

    /** The pod name of an ordinal, for example {@code mysql-2}. */
    public String podName(int ordinal) {
        return statefulSetName + "-" + ordinal;
    }

    /** The stable DNS name of a pod inside the cluster, for example {@code mysql-2.mysql}. */
    public String podHost(int ordinal) {
        return podName(ordinal) + "." + serviceName;
    }

    /** The same spec with another number of pods. */
    public ClusterSpec withReplicas(int newReplicas) {
        return new ClusterSpec(source, statefulSetName, serviceName, readServiceName, newReplicas, port,
                leaderConfig, followerConfig, readiness, liveness, objects, podManagementPolicy, serverIdOffset,
                changeMasterOptions);
    }

    /**
     * One option of the sidecar's {@code CHANGE MASTER TO}.
     *
     * @param name  upper case, for example {@code MASTER_USE_GTID}
     * @param value as written, quotes included, for example {@code slave_pos} or {@code 'mysql-0.mysql'}
     */
    public record ChangeMasterOption(String name, String value) {
        @Override
        public String toString() {
            return name + "=" + value;
        }
    }

    /**
     * One server config file of the ConfigMap.
     *
     * @param key     the ConfigMap key, for example {@code master.cnf}
     * @param content the file's text
     */
    public record ConfigFile(String key, String content) {
        public ConfigFile {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(content, "content");
        }
    }

    /**
     * A container probe.
     *
     * @param command             the exec command, for example {@code [mysql, -h, 127.0.0.1, -e, SELECT 1]}
     * @param initialDelaySeconds as in Kubernetes
     * @param periodSeconds       as in Kubernetes
     * @param timeoutSeconds      as in Kubernetes
     * @param failureThreshold    as in Kubernetes
     */
    public record ProbeSpec(List<String> command, int initialDelaySeconds, int periodSeconds, int timeoutSeconds,
                            int failureThreshold) {
        public ProbeSpec {
            command = List.copyOf(command);
        }

        /** What the seed's readiness probe does: {@code SELECT 1} over TCP, checked every 2 s. */
        public static ProbeSpec selectOneOverTcp() {
            return new ProbeSpec(List.of("mysql", "-h", "127.0.0.1", "-e", "SELECT 1"), 5, 2, 1, 3);
        }
    }
}
