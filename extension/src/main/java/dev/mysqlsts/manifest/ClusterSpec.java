package dev.mysqlsts.manifest;

import static org.apiguardian.api.API.Status.INTERNAL;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Volume;
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
 * @param configInit        the init container that writes the server's config into the conf.d volume (the seed's
 *                          {@code init-mysql}), or null when the pod template has none
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
        ConfigInit configInit,
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

    /** A spec without pod scripts: OrderedReady, no init container, no sidecar options. */
    public ClusterSpec(String source, String statefulSetName, String serviceName, String readServiceName, int replicas,
                       int port, ConfigFile leaderConfig, ConfigFile followerConfig, ProbeSpec readiness,
                       ProbeSpec liveness, List<HasMetadata> objects) {
        this(source, statefulSetName, serviceName, readServiceName, replicas, port, leaderConfig, followerConfig,
                readiness, liveness, objects, ORDERED_READY, null, List.of());
    }

    /** Whether pods start without waiting for each other ({@code podManagementPolicy: Parallel}). */
    public boolean parallel() {
        return PARALLEL.equals(podManagementPolicy);
    }

    /** The pod name of an ordinal, for example {@code mysql-2}. */
    public String podName(int ordinal) {
        return statefulSetName + "-" + ordinal;
    }

    /** The stable DNS name of a pod inside the cluster, for example {@code mysql-2.mysql}. */
    public String podHost(int ordinal) {
        return podName(ordinal) + "." + serviceName;
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
     * The init container that writes the server's config, as the pod template gives it: the LOCAL backend runs its
     * command with the pod's name, environment and mounts.
     *
     * @param container  the init container, unchanged
     * @param volumes    the pod template's volumes, unchanged
     * @param confVolume the emptyDir volume it shares with the server container, which reads it as its conf.d
     */
    public record ConfigInit(Container container, List<Volume> volumes, String confVolume) {
        public ConfigInit {
            Objects.requireNonNull(container, "container");
            Objects.requireNonNull(confVolume, "confVolume");
            volumes = List.copyOf(volumes);
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
