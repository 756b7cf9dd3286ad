package dev.mysqlsts.k3s;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.containers.Container.ExecResult;
import org.testcontainers.k3s.K3sContainer;
import org.testcontainers.utility.DockerImageName;
import org.testcontainers.utility.TestcontainersConfiguration;

/**
 * The one k3s of this JVM: a Testcontainers {@link K3sContainer}, started on first use and shared by every
 * cluster (each in a namespace of its own). This is the only k3s-specific part of the backend; everything
 * after the kubeconfig is {@link StatefulSetDeployer}.
 *
 * <p>Testcontainers' reuse is honoured: with {@code testcontainers.reuse.enable=true} in
 * {@code ~/.testcontainers.properties} the container is marked reusable, so a later JVM finds the same k3s
 * running and skips the boot; otherwise Testcontainers removes the container when the JVM ends.
 */
final class K3sNode {

    private static final Logger LOG = LoggerFactory.getLogger(K3sNode.class);
    /** k3s's own wait (node controller synced) defaults to 60 s; a slow CI runner may need more. */
    private static final Duration BOOT_TIMEOUT = Duration.ofMinutes(3);

    private static K3sNode shared;
    private static K3sBackendException bootFailure;

    private final K3sContainer container;
    private final KubernetesClient client;
    private final ImageLoader images;

    private K3sNode(K3sContainer container, KubernetesClient client, ImageLoader images) {
        this.container = container;
        this.client = client;
        this.images = images;
    }

    /** The JVM's k3s, booted now if it is not running yet. */
    static synchronized K3sNode shared(String image) {
        if (bootFailure != null) {
            throw new K3sBackendException("K3S: k3s failed to start earlier in this JVM: " + bootFailure.getMessage(),
                    bootFailure);
        }
        if (shared == null) {
            try {
                shared = boot(image);
            } catch (K3sBackendException e) {
                bootFailure = e; // every later test class fails at once instead of booting again
                throw e;
            }
        } else if (!image.equals(shared.container.getDockerImageName())) {
            LOG.warn("K3S: k3s {} is already running in this JVM; {} is ignored", shared.container.getDockerImageName(),
                    image);
        }
        return shared;
    }

    @SuppressWarnings("resource") // lives as long as the JVM; Testcontainers removes it (unless reused)
    private static K3sNode boot(String image) {
        long started = System.nanoTime();
        LOG.info("K3S: starting k3s {} in Docker (the first start pulls the image and takes about 20-60 s; "
                + "property {} chooses another image)", image, K3sSettings.K3S_IMAGE);
        boolean reuse = TestcontainersConfiguration.getInstance().environmentSupportsReuse();
        K3sContainer container = new K3sContainer(DockerImageName.parse(image).asCompatibleSubstituteFor("rancher/k3s"))
                .withReuse(reuse)
                .withStartupTimeout(BOOT_TIMEOUT);
        try {
            container.start();
        } catch (RuntimeException e) {
            throw new K3sBackendException("K3S: k3s " + image + " did not start. It needs a Docker engine that allows "
                    + "privileged containers (rootless Docker and some CI runners do not); use backend LOCAL otherwise. "
                    + "Cause: " + e.getMessage(), e);
        }
        KubernetesClient client;
        try {
            client = new KubernetesClientBuilder()
                    .withConfig(Config.fromKubeconfig(container.getKubeConfigYaml()))
                    .build();
        } catch (RuntimeException e) {
            container.stop();
            throw new K3sBackendException("K3S: cannot use the kubeconfig of k3s " + image + ": " + e.getMessage(), e);
        }
        LOG.info("K3S: k3s {} ready in {} s (container {}, API server {}{})", image,
                Duration.ofNanos(System.nanoTime() - started).toSeconds(), container.getContainerId().substring(0, 12),
                client.getMasterUrl(), reuse ? ", reusable: testcontainers.reuse.enable=true" : "");
        return new K3sNode(container, client, new DockerImageLoader(container));
    }

    KubernetesClient client() {
        return client;
    }

    ImageLoader images() {
        return images;
    }

    K3sContainer container() {
        return container;
    }

    /**
     * Commands on the node: {@code docker exec} into the k3s container, which is the node (its containerd,
     * its network namespace, its {@code ctr}, {@code nsenter} and {@code iptables}), as root.
     */
    NodeShell shell() {
        return command -> {
            try {
                ExecResult result = container.execInContainer(command.toArray(String[]::new));
                return new CommandResult(result.getExitCode(), result.getStdout(), result.getStderr());
            } catch (IOException | RuntimeException e) {
                throw new K3sBackendException("K3S: cannot run `" + String.join(" ", command) + "` in the k3s container "
                        + container.getContainerId().substring(0, 12) + ": " + e, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new K3sBackendException("K3S: interrupted while running `" + String.join(" ", command)
                        + "` in the k3s container", e);
            }
        };
    }
}
