package dev.mysqlsts.k3s;

import dev.mysqlsts.backend.RunningStatefulSet;
import dev.mysqlsts.backend.Settings;
import dev.mysqlsts.backend.StatefulSetBackend;
import dev.mysqlsts.manifest.ClusterSpec;
import org.testcontainers.DockerClientFactory;

/**
 * The K3S backend: the manifests applied to k3s running in a Testcontainers container, one k3s per JVM
 * and one namespace per cluster.
 *
 * <pre>{@code @MySqlStatefulSet(backend = Backend.K3S)}</pre>
 *
 * Booting k3s ({@link K3sNode}) is the only k3s-specific step; {@link StatefulSetDeployer} does the rest
 * and works with any {@code KubernetesClient}.
 */
public final class K3sBackend implements StatefulSetBackend {

    private static volatile Boolean dockerAvailable;

    public K3sBackend() {
    }

    /** Whether a Docker engine answers; asked once per JVM. */
    public static boolean dockerAvailable() {
        Boolean answer = dockerAvailable;
        if (answer == null) {
            synchronized (K3sBackend.class) {
                answer = dockerAvailable;
                if (answer == null) {
                    boolean available;
                    try {
                        available = DockerClientFactory.instance().isDockerAvailable();
                    } catch (RuntimeException | LinkageError e) {
                        available = false;
                    }
                    dockerAvailable = answer = available;
                }
            }
        }
        return answer;
    }

    @Override
    public RunningStatefulSet start(ClusterSpec spec, Settings settings) {
        K3sSettings k3sSettings = K3sSettings.from(settings);
        if (!dockerAvailable()) {
            throw new K3sBackendException("K3S backend: no Docker engine answers (Testcontainers found none). Start "
                    + "Docker, or run on the LOCAL backend: @MySqlStatefulSet(backend = Backend.LOCAL) or "
                    + "-Dmysqlsts.backend=local.");
        }
        K3sNode node = K3sNode.shared(k3sSettings.k3sImage());
        ImageLoader images = k3sSettings.loadImages() ? node.images() : ImageLoader.PULL;
        return new StatefulSetDeployer(node.client(), k3sSettings, images,
                namespace -> new PortForwardConnector(node.client(), namespace))
                .deploy(spec);
    }
}
