package dev.mysqlsts.k3s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.testcontainers.utility.TestcontainersConfiguration;

/**
 * Decides within seconds, and without a log line, whether k3s can boot here: a Docker engine answers, and each
 * image Docker must run (k3s, and Testcontainers' Ryuk unless disabled) is in it or its registry answers; k3s
 * then pulls its own system images (pause, local-path helper) from Docker Hub, which must answer too. Nothing
 * is pulled and no container is started: where Docker answers but no registry does, Testcontainers would retry
 * the Ryuk and k3s pulls for two minutes each, per test class.
 */
final class K3sAvailability {

    /** Each question to the Docker engine. */
    static final Duration ENGINE_TIMEOUT = Duration.ofSeconds(3);
    /**
     * Testcontainers 2.0.5's Ryuk image ({@code core/src/main/java/org/testcontainers/utility/RyukContainer.java});
     * {@code ryuk.container.image} replaces it, as Testcontainers' configuration file substitutor does.
     */
    static final String RYUK_IMAGE = "testcontainers/ryuk:0.14.0";

    private static final Map<String, K3sBackend.Availability> VERDICTS = new ConcurrentHashMap<>();

    private K3sAvailability() {
    }

    /** The verdict for this k3s image, asked once per JVM. */
    static K3sBackend.Availability of(String k3sImage) {
        return VERDICTS.computeIfAbsent(k3sImage, image -> {
            long started = System.nanoTime();
            K3sBackend.Availability verdict = check(image, DockerEndpoint.endpoints(), DockerEndpoint.unprobeable(),
                    RegistryProbe::whyNotAnswering);
            return new K3sBackend.Availability(verdict.bootable(), verdict.reason() + "; decided in "
                    + (System.nanoTime() - started) / 1_000_000 + " ms");
        });
    }

    /**
     * @param registries for a registry host, empty when it answers, else why not
     */
    static K3sBackend.Availability check(String k3sImage, List<DockerEndpoint> endpoints, Optional<String> unprobeable,
                                         Function<String, Optional<String>> registries) {
        if (endpoints.isEmpty()) {
            if (unprobeable.isPresent()) {
                return new K3sBackend.Availability(true, "Docker is configured at " + unprobeable.get()
                        + " (TLS or SSH: Testcontainers decides)");
            }
            return new K3sBackend.Availability(false, "no Docker engine: DOCKER_HOST is not set and there is no Docker "
                    + "socket (/var/run/docker.sock, ~/.docker/run/docker.sock, ...)");
        }
        DockerEndpoint engine = null;
        List<String> failures = new ArrayList<>();
        for (DockerEndpoint endpoint : endpoints) {
            try {
                if (endpoint.get("/_ping", ENGINE_TIMEOUT).status() == 200) {
                    engine = endpoint;
                    break;
                }
                failures.add(endpoint + " answers /_ping with an error");
            } catch (IOException e) {
                failures.add(endpoint + ": " + e.getMessage());
            }
        }
        if (engine == null) {
            return new K3sBackend.Availability(false, "no Docker engine answers (" + String.join("; ", failures) + ")");
        }
        List<String> images = new ArrayList<>(List.of(withHubPrefix(k3sImage)));
        if (!Boolean.parseBoolean(System.getenv("TESTCONTAINERS_RYUK_DISABLED"))) {
            images.add(withHubPrefix(configured("ryuk.container.image", RYUK_IMAGE)));
        }
        List<String> missing = new ArrayList<>();
        try {
            for (String image : images) {
                if (engine.get("/images/" + image + "/json", ENGINE_TIMEOUT).status() != 200) {
                    missing.add(image);
                }
            }
        } catch (IOException e) {
            return new K3sBackend.Availability(false, "the Docker engine at " + engine + " answers /_ping but not "
                    + "an image inspection: " + e.getMessage());
        }
        Set<String> mirrors = dockerHubMirrors(engine);
        List<String> unreachable = new ArrayList<>();
        for (String image : missing) {
            String registry = RegistryProbe.registryOf(image);
            Optional<String> why = registries.apply(registry);
            if (why.isPresent() && registry.equals(RegistryProbe.DOCKER_HUB)
                    && mirrors.stream().anyMatch(mirror -> registries.apply(mirror).isEmpty())) {
                why = Optional.empty(); // Docker pulls Hub images through its registry-mirrors
            }
            why.ifPresent(reason -> unreachable.add(image + " is not in Docker and " + reason));
        }
        if (!unreachable.isEmpty()) {
            return new K3sBackend.Availability(false, "a Docker engine answers at " + engine + ", but "
                    + String.join("; ", unreachable));
        }
        Optional<String> hub = registries.apply(RegistryProbe.DOCKER_HUB);
        if (hub.isPresent()) {
            return new K3sBackend.Availability(false, "a Docker engine answers at " + engine + " and holds "
                    + String.join(", ", images) + ", but k3s pulls its own system images (pause, local-path "
                    + "provisioner) from Docker Hub, and " + hub.get());
        }
        return new K3sBackend.Availability(true, "a Docker engine answers at " + engine + (missing.isEmpty()
                ? " and holds " + String.join(", ", images) : " and " + String.join(", ", missing)
                + " can be pulled"));
    }

    /** What to do when K3S cannot boot, for the error of an explicit {@code backend = K3S}. */
    static String remedy(String k3sImage) {
        return "Pre-load the images into this Docker on a machine with access (docker pull " + k3sImage + " "
                + RYUK_IMAGE + " rancher/mirrored-pause:3.6 ..., docker save | docker load), point Testcontainers at a "
                + "registry mirror (hub.image.name.prefix in ~/.testcontainers.properties or "
                + "TESTCONTAINERS_HUB_IMAGE_NAME_PREFIX), use an existing cluster (-D" + K3sSettings.KUBECONFIG
                + "=<file>), or run on LOCAL (-Dmysqlsts.backend=local).";
    }

    private static String configured(String property, String image) {
        return TestcontainersConfiguration.getInstance().getEnvVarOrProperty(property, image);
    }

    /**
     * Testcontainers' {@code PrefixingImageNameSubstitutor}: {@code hub.image.name.prefix} is put before Docker Hub
     * images (those without a registry part).
     */
    static String withHubPrefix(String image) {
        String prefix = TestcontainersConfiguration.getInstance().getEnvVarOrProperty("hub.image.name.prefix", "");
        if (prefix.isEmpty() || !RegistryProbe.registryOf(image).equals(RegistryProbe.DOCKER_HUB)
                || image.startsWith("docker.io/") || image.startsWith("index.docker.io/")) {
            return image;
        }
        return prefix + image;
    }

    /** The engine's {@code registry-mirrors} (docker info: RegistryConfig.Mirrors). */
    static Set<String> dockerHubMirrors(DockerEndpoint engine) {
        try {
            JsonNode info = new ObjectMapper().readTree(engine.get("/info", ENGINE_TIMEOUT).body());
            Set<String> mirrors = new LinkedHashSet<>();
            info.path("RegistryConfig").path("Mirrors").forEach(mirror -> mirrors.add(mirror.asText()));
            return mirrors;
        } catch (IOException | RuntimeException e) {
            return Set.of();
        }
    }
}
