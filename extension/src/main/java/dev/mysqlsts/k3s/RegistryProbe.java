package dev.mysqlsts.k3s;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Whether an image registry answers: {@code GET https://<host>/v2/}, the registry API's version check
 * (distribution spec, "Determining support"): any HTTP status, 401 included, means it answers. Asked once per
 * host and JVM, within {@link #TIMEOUT}.
 */
final class RegistryProbe {

    static final Duration TIMEOUT = Duration.ofSeconds(4);
    /** Docker Hub's API host: where {@code docker pull rancher/k3s} goes (docker/distribution reference). */
    static final String DOCKER_HUB = "registry-1.docker.io";

    private static final Map<String, Optional<String>> ANSWERS = new ConcurrentHashMap<>();

    private RegistryProbe() {
    }

    /** The registry API host of an image name: Docker Hub for names without a registry part. */
    static String registryOf(String image) {
        String name = image.contains("@") ? image.substring(0, image.indexOf('@')) : image;
        int slash = name.indexOf('/');
        if (slash > 0) {
            String first = name.substring(0, slash);
            if (first.contains(".") || first.contains(":") || first.equals("localhost")) {
                return first.equals("docker.io") || first.equals("index.docker.io") ? DOCKER_HUB : first;
            }
        }
        return DOCKER_HUB;
    }

    /** Empty when the registry answers, else why not. */
    static Optional<String> whyNotAnswering(String host) {
        return ANSWERS.computeIfAbsent(host, RegistryProbe::ask);
    }

    private static Optional<String> ask(String host) {
        URI uri = URI.create(host.startsWith("http://") || host.startsWith("https://") ? host.replaceAll("/+$", "") + "/v2/"
                : "https://" + host + "/v2/");
        HttpClient client = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET().build();
        try {
            client.sendAsync(request, HttpResponse.BodyHandlers.discarding())
                    .get(TIMEOUT.toMillis() + 500, TimeUnit.MILLISECONDS);
            return Optional.empty();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            while (cause.getMessage() == null && cause.getCause() != null) {
                cause = cause.getCause();
            }
            return Optional.of(uri + " does not answer (" + cause.getClass().getSimpleName()
                    + (cause.getMessage() == null ? "" : ": " + cause.getMessage()) + ")");
        } catch (TimeoutException e) {
            return Optional.of(uri + " does not answer within " + TIMEOUT.toSeconds() + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("interrupted while asking " + uri);
        }
    }
}
