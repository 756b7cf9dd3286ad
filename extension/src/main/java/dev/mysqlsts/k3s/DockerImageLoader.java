package dev.mysqlsts.k3s;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectImageResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.containers.Container.ExecResult;
import org.testcontainers.k3s.K3sContainer;

/**
 * Copies images that the host's Docker already holds into k3s's containerd, so k3s does not pull them again:
 * {@code docker save} to a temporary file, copied into the k3s container, {@code ctr -n k8s.io images import}.
 * An image the host lacks, or one that fails to load, is left for k3s to pull.
 */
final class DockerImageLoader implements ImageLoader {

    private static final Logger LOG = LoggerFactory.getLogger(DockerImageLoader.class);

    private final K3sContainer k3s;
    private final Set<String> loaded = ConcurrentHashMap.newKeySet();

    DockerImageLoader(K3sContainer k3s) {
        this.k3s = k3s;
    }

    @Override
    public synchronized void load(Collection<String> images) {
        for (String image : images) {
            String name = ImageOverrides.normalize(image);
            if (loaded.contains(name)) {
                continue;
            }
            try {
                if (load(image, name)) {
                    loaded.add(name);
                }
            } catch (IOException | RuntimeException e) {
                LOG.warn("K3S: could not copy {} from Docker into k3s ({}); k3s pulls it", image, e.toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Returns whether k3s has the image now. */
    private boolean load(String image, String name) throws IOException, InterruptedException {
        if (k3sHas(name)) {
            LOG.info("K3S: {} is already in k3s", image);
            return true;
        }
        DockerClient docker = k3s.getDockerClient();
        InspectImageResponse inspected;
        try {
            inspected = docker.inspectImageCmd(image).exec();
        } catch (NotFoundException e) {
            LOG.info("K3S: {} is not in the host's Docker; k3s pulls it", image);
            return false;
        }
        long started = System.nanoTime();
        Path tar = Files.createTempFile("mysqlsts-image-", ".tar");
        try {
            try (InputStream saved = docker.saveImageCmd(image).exec()) {
                Files.copy(saved, tar, StandardCopyOption.REPLACE_EXISTING);
            }
            String inContainer = "/tmp/" + tar.getFileName();
            docker.copyArchiveToContainerCmd(k3s.getContainerId())
                    .withHostResource(tar.toString())
                    .withRemotePath("/tmp")
                    .exec();
            ExecResult result = k3s.execInContainer(importCommand(platform(inspected), inContainer)
                    .toArray(String[]::new));
            k3s.execInContainer("rm", "-f", inContainer);
            if (result.getExitCode() != 0) {
                LOG.warn("K3S: importing {} into k3s failed ({}); k3s pulls it", image, result.getStderr().strip());
                return false;
            }
            LOG.info("K3S: copied {} from the host's Docker into k3s in {} s ({} MB)", image,
                    Duration.ofNanos(System.nanoTime() - started).toSeconds(), Files.size(tar) >> 20);
            return true;
        } finally {
            Files.deleteIfExists(tar);
        }
    }

    /**
     * {@code ctr images import} of one platform: under Docker's containerd image store, {@code docker save}
     * writes the image's whole multi-platform index but only the blobs of the platform the host pulled, and an
     * import of every platform fails on the first missing blob ("content digest ... not found": containerd issue
     * 12908, kind issue 3795). {@code --platform} imports only the one the host has (containerd
     * {@code cmd/ctr/commands/images/import.go}).
     */
    static List<String> importCommand(String platform, String archive) {
        return platform == null ? List.of("ctr", "-n", "k8s.io", "images", "import", archive)
                : List.of("ctr", "-n", "k8s.io", "images", "import", "--platform", platform, archive);
    }

    /** {@code linux/amd64} for the image the host's Docker holds, null when Docker does not say. */
    static String platform(InspectImageResponse image) {
        if (image == null || image.getOs() == null || image.getOs().isBlank() || image.getArch() == null
                || image.getArch().isBlank()) {
            return null;
        }
        return image.getOs() + "/" + image.getArch();
    }

    private boolean k3sHas(String name) throws IOException, InterruptedException {
        ExecResult result = k3s.execInContainer("ctr", "-n", "k8s.io", "images", "ls", "-q");
        return result.getExitCode() == 0 && Arrays.asList(result.getStdout().split("\\R")).contains(name);
    }
}
