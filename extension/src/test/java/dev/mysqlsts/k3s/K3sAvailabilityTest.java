package dev.mysqlsts.k3s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * AUTO's question "can k3s boot here?" against a fake Docker engine on a Unix socket (it answers the Engine API's
 * {@code /_ping}, {@code /images/<name>/json} and {@code /info} as dockerd does) and registries that answer or
 * not: decided without pulling, and the reason names what is missing.
 */
class K3sAvailabilityTest {

    private static final String K3S = "rancher/k3s:v1.31.6-k3s1";
    private static final Function<String, Optional<String>> NO_REGISTRY =
            host -> Optional.of("https://" + host + "/v2/ does not answer (UnknownHostException)");
    private static final Function<String, Optional<String>> EVERY_REGISTRY = host -> Optional.empty();

    @TempDir
    Path dir;
    private FakeEngine engine;

    @AfterEach
    void stop() throws IOException {
        if (engine != null) {
            engine.close();
        }
    }

    @Test
    void noSocketMeansNoDocker() {
        K3sBackend.Availability verdict = K3sAvailability.check(K3S, List.of(), Optional.empty(), EVERY_REGISTRY);
        assertFalse(verdict.bootable());
        assertTrue(verdict.reason().startsWith("no Docker engine: DOCKER_HOST is not set"), verdict.reason());
    }

    @Test
    void aSocketWithoutEngineIsNoDockerAndTakesNoTime() {
        Path dead = dir.resolve("docker.sock"); // no server: connection refused / no such file
        long started = System.nanoTime();
        K3sBackend.Availability verdict = K3sAvailability.check(K3S,
                List.of(DockerEndpoint.parse("unix://" + dead).orElseThrow()), Optional.empty(), EVERY_REGISTRY);
        assertFalse(verdict.bootable());
        assertTrue(verdict.reason().startsWith("no Docker engine answers (unix://" + dead), verdict.reason());
        assertTrue(Duration.ofNanos(System.nanoTime() - started).compareTo(K3sAvailability.ENGINE_TIMEOUT) < 0);
    }

    @Test
    void dockerWithoutImagesAndWithoutRegistryIsNotBootable() throws IOException {
        engine = new FakeEngine(dir.resolve("docker.sock"), Set.of(), "{\"RegistryConfig\":{\"Mirrors\":[]}}");
        K3sBackend.Availability verdict = K3sAvailability.check(K3S, List.of(engine.endpoint()), Optional.empty(),
                NO_REGISTRY);
        assertFalse(verdict.bootable());
        assertTrue(verdict.reason().contains(K3S + " is not in Docker and https://registry-1.docker.io/v2/ does "
                + "not answer"), verdict.reason());
        assertTrue(verdict.reason().contains(K3sAvailability.RYUK_IMAGE + " is not in Docker"), verdict.reason());
        assertTrue(engine.paths().contains("/images/" + K3S + "/json"), engine.paths().toString());
        assertFalse(engine.paths().stream().anyMatch(path -> path.contains("create")), "nothing pulled or created");
    }

    @Test
    void dockerWithImagesButNoDockerHubIsNotBootable() throws IOException {
        engine = new FakeEngine(dir.resolve("docker.sock"), Set.of(K3S, K3sAvailability.RYUK_IMAGE), "{}");
        K3sBackend.Availability verdict = K3sAvailability.check(K3S, List.of(engine.endpoint()), Optional.empty(),
                NO_REGISTRY);
        assertFalse(verdict.bootable());
        assertTrue(verdict.reason().contains("k3s pulls its own system images"), verdict.reason());
    }

    @Test
    void dockerWithImagesAndRegistryIsBootable() throws IOException {
        engine = new FakeEngine(dir.resolve("docker.sock"), Set.of(K3S, K3sAvailability.RYUK_IMAGE), "{}");
        K3sBackend.Availability verdict = K3sAvailability.check(K3S, List.of(engine.endpoint()), Optional.empty(),
                EVERY_REGISTRY);
        assertTrue(verdict.bootable(), verdict.reason());
        assertTrue(verdict.reason().contains("holds " + K3S), verdict.reason());
    }

    @Test
    void aDockerHubMirrorThatAnswersLetsDockerPull() throws IOException {
        engine = new FakeEngine(dir.resolve("docker.sock"), Set.of(),
                "{\"RegistryConfig\":{\"Mirrors\":[\"https://mirror.example:5000/\"]}}");
        Map<String, Optional<String>> answers = Map.of("https://mirror.example:5000/", Optional.empty());
        K3sBackend.Availability verdict = K3sAvailability.check(K3S, List.of(engine.endpoint()), Optional.empty(),
                host -> answers.getOrDefault(host, Optional.of(host + " does not answer")));
        // the images can be pulled through the mirror, but k3s's own containerd does not use Docker's mirrors
        assertFalse(verdict.bootable());
        assertTrue(verdict.reason().contains("k3s pulls its own system images"), verdict.reason());
    }

    @Test
    void registryOfAnImage() {
        assertEquals(RegistryProbe.DOCKER_HUB, RegistryProbe.registryOf("mysql:5.7"));
        assertEquals(RegistryProbe.DOCKER_HUB, RegistryProbe.registryOf("rancher/k3s:v1"));
        assertEquals(RegistryProbe.DOCKER_HUB, RegistryProbe.registryOf("docker.io/library/mysql:5.7"));
        assertEquals("gcr.io", RegistryProbe.registryOf("gcr.io/google-samples/xtrabackup:1.0"));
        assertEquals("localhost:5000", RegistryProbe.registryOf("localhost:5000/mysql:5.7"));
    }

    /** Answers the Docker Engine API over a Unix socket as dockerd does, for the paths AUTO asks. */
    private static final class FakeEngine implements AutoCloseable {

        private final Path socket;
        private final ServerSocketChannel server;
        private final List<String> paths = new CopyOnWriteArrayList<>();
        private final Thread thread;

        FakeEngine(Path socket, Set<String> images, String info) throws IOException {
            this.socket = socket;
            server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(UnixDomainSocketAddress.of(socket));
            thread = new Thread(() -> serve(images, info), "fake-dockerd");
            thread.setDaemon(true);
            thread.start();
        }

        DockerEndpoint endpoint() {
            return DockerEndpoint.parse("unix://" + socket).orElseThrow();
        }

        List<String> paths() {
            return paths;
        }

        private void serve(Set<String> images, String info) {
            while (server.isOpen()) {
                try (SocketChannel client = server.accept()) {
                    ByteBuffer buffer = ByteBuffer.allocate(4096);
                    StringBuilder request = new StringBuilder();
                    while (request.indexOf("\r\n\r\n") < 0 && client.read(buffer) > 0) {
                        request.append(new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII));
                        buffer.clear();
                    }
                    String path = request.toString().split(" ")[1];
                    paths.add(path);
                    String answer;
                    if (path.equals("/_ping")) {
                        answer = "HTTP/1.1 200 OK\r\nApi-Version: 1.41\r\n\r\nOK";
                    } else if (path.equals("/info")) {
                        answer = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n" + info;
                    } else if (path.startsWith("/images/") && images.contains(
                            path.substring("/images/".length(), path.length() - "/json".length()))) {
                        answer = "HTTP/1.1 200 OK\r\n\r\n{}";
                    } else {
                        answer = "HTTP/1.1 404 Not Found\r\n\r\n{\"message\":\"No such image\"}";
                    }
                    client.write(ByteBuffer.wrap(answer.getBytes(StandardCharsets.US_ASCII)));
                } catch (IOException e) {
                    return;
                }
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }
}
