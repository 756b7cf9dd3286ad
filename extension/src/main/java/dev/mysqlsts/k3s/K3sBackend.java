package dev.mysqlsts.k3s;

import dev.mysqlsts.backend.RunningStatefulSet;
import dev.mysqlsts.backend.Settings;
import dev.mysqlsts.backend.StatefulSetBackend;
import dev.mysqlsts.manifest.ClusterSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
                    boolean available = false;
                    if (dockerConfigured()) {
                        try {
                            available = DockerClientFactory.instance().isDockerAvailable();
                        } catch (RuntimeException | LinkageError e) {
                            available = false;
                        }
                    }
                    dockerAvailable = answer = available;
                }
            }
        }
        return answer;
    }

    /**
     * Whether anything points at a Docker engine: DOCKER_HOST, a Testcontainers config file, or a Docker socket
     * where Docker (also Desktop, rootless or Colima) puts it. Without one, Testcontainers would log an ERROR
     * with its whole search on every machine without Docker; with one, Testcontainers decides.
     */
    private static boolean dockerConfigured() {
        if (System.getenv("DOCKER_HOST") != null) {
            return true;
        }
        Path home = Path.of(System.getProperty("user.home"));
        List<Path> candidates = new ArrayList<>(List.of(Path.of("/var/run/docker.sock"), Path.of("/run/docker.sock"),
                home.resolve(".testcontainers.properties"), home.resolve(".docker/run/docker.sock"),
                home.resolve(".docker/desktop/docker.sock"), home.resolve(".colima/default/docker.sock"),
                home.resolve(".rd/docker.sock")));
        String runtime = System.getenv("XDG_RUNTIME_DIR");
        if (runtime != null) {
            candidates.add(Path.of(runtime, "docker.sock"));
        }
        return candidates.stream().anyMatch(Files::exists);
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
                .withNodeShell(node.shell())
                .deploy(spec);
    }
}
