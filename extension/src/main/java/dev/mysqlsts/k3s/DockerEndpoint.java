package dev.mysqlsts.k3s;

import java.io.ByteArrayOutputStream;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

/**
 * Where a Docker engine is expected, and a bounded, silent HTTP GET to its API. Testcontainers' own detection
 * logs an ERROR with its whole search where no engine answers, and its first use starts Ryuk (pulling its image,
 * retried for two minutes where no registry answers); the backend choice must be quiet and take seconds, so it
 * asks the engine itself first: {@code GET /_ping}, {@code GET /images/<name>/json}, {@code GET /info}
 * (Docker Engine API, moby {@code api/swagger.yaml}).
 *
 * <p>Looked at, in Testcontainers' order ({@code DockerClientProviderStrategy.getFirstValidStrategy}): the
 * {@code docker.host} of {@code ~/.testcontainers.properties}, {@code DOCKER_HOST}, then the usual sockets.
 * A TLS ({@code DOCKER_TLS_VERIFY}) or SSH endpoint cannot be asked this way: {@link #endpoints()} says so with
 * {@link #unprobeable()}.
 */
final class DockerEndpoint {

    private final String description;
    private final SocketAddress address;

    private DockerEndpoint(String description, SocketAddress address) {
        this.description = description;
        this.address = address;
    }

    /** The endpoints to try, first the configured one; empty when nothing points at a Docker engine. */
    static List<DockerEndpoint> endpoints() {
        List<DockerEndpoint> found = new ArrayList<>();
        Optional<String> configured = testcontainersDockerHost().or(() -> Optional.ofNullable(System.getenv("DOCKER_HOST"))
                .filter(host -> !host.isBlank()));
        if (configured.isPresent()) {
            parse(configured.get()).ifPresent(found::add);
            return found;
        }
        Path home = Path.of(System.getProperty("user.home"));
        List<Path> sockets = new ArrayList<>(List.of(Path.of("/var/run/docker.sock"), Path.of("/run/docker.sock"),
                home.resolve(".docker/run/docker.sock"), home.resolve(".docker/desktop/docker.sock"),
                home.resolve(".colima/default/docker.sock"), home.resolve(".rd/docker.sock")));
        String runtime = System.getenv("XDG_RUNTIME_DIR");
        if (runtime != null) {
            sockets.add(Path.of(runtime, "docker.sock"));
        }
        for (Path socket : sockets) {
            if (Files.exists(socket)) {
                found.add(new DockerEndpoint("unix://" + socket, UnixDomainSocketAddress.of(socket)));
            }
        }
        return found;
    }

    /** Whether Docker is configured in a way this class cannot ask (TLS, SSH, named pipe). */
    static Optional<String> unprobeable() {
        Optional<String> configured = testcontainersDockerHost().or(() -> Optional.ofNullable(System.getenv("DOCKER_HOST"))
                .filter(host -> !host.isBlank()));
        if (configured.isPresent() && parse(configured.get()).isEmpty()) {
            return configured;
        }
        return Optional.empty();
    }

    static Optional<DockerEndpoint> parse(String host) {
        URI uri;
        try {
            uri = URI.create(host.strip());
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if ("unix".equals(uri.getScheme()) && uri.getPath() != null) {
            return Optional.of(new DockerEndpoint(host, UnixDomainSocketAddress.of(uri.getPath())));
        }
        boolean tls = "1".equals(System.getenv("DOCKER_TLS_VERIFY"));
        if ("tcp".equals(uri.getScheme()) && uri.getHost() != null && !tls) {
            int port = uri.getPort() > 0 ? uri.getPort() : 2375;
            return Optional.of(new DockerEndpoint(host, InetSocketAddress.createUnresolved(uri.getHost(), port)));
        }
        return Optional.empty();
    }

    /** {@code tc.host} (Testcontainers Desktop / Cloud), else {@code docker.host}, of ~/.testcontainers.properties. */
    private static Optional<String> testcontainersDockerHost() {
        Path file = Path.of(System.getProperty("user.home"), ".testcontainers.properties");
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        Properties properties = new Properties();
        try (InputStream in = new FileInputStream(file.toFile())) {
            properties.load(in);
        } catch (IOException e) {
            return Optional.empty();
        }
        return Optional.ofNullable(properties.getProperty("tc.host")).filter(host -> !host.isBlank())
                .or(() -> Optional.ofNullable(properties.getProperty("docker.host")).filter(host -> !host.isBlank()));
    }

    String description() {
        return description;
    }

    /**
     * {@code GET path} with HTTP/1.0 (the engine closes the connection after its answer), everything within
     * {@code timeout}.
     *
     * @throws IOException when the engine cannot be reached or does not answer in time
     */
    HttpAnswer get(String path, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        SocketAddress target = address instanceof InetSocketAddress inet && inet.isUnresolved()
                ? new InetSocketAddress(inet.getHostString(), inet.getPort()) : address;
        try (SocketChannel channel = address instanceof UnixDomainSocketAddress
                ? SocketChannel.open(StandardProtocolFamily.UNIX) : SocketChannel.open();
                Selector selector = Selector.open()) {
            channel.configureBlocking(false);
            if (!channel.connect(target)) {
                channel.register(selector, SelectionKey.OP_CONNECT);
                await(selector, deadline, "connect");
                channel.finishConnect();
            }
            ByteBuffer request = ByteBuffer.wrap(("GET " + path + " HTTP/1.0\r\nHost: docker\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            SelectionKey key = channel.register(selector, SelectionKey.OP_WRITE);
            while (request.hasRemaining()) {
                await(selector, deadline, "send");
                channel.write(request);
            }
            key.interestOps(SelectionKey.OP_READ);
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            ByteBuffer buffer = ByteBuffer.allocate(8192);
            while (true) {
                await(selector, deadline, "answer");
                int read = channel.read(buffer);
                if (read < 0) {
                    break;
                }
                answer.write(buffer.array(), 0, buffer.position());
                buffer.clear();
            }
            return HttpAnswer.parse(answer.toString(StandardCharsets.UTF_8));
        }
    }

    private static void await(Selector selector, long deadline, String what) throws IOException {
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new IOException("no " + what + " within the time allowed");
            }
            if (selector.select(Math.max(1, left / 1_000_000)) > 0) {
                selector.selectedKeys().clear();
                return;
            }
        }
    }

    /** An HTTP status and body. */
    record HttpAnswer(int status, String body) {

        static HttpAnswer parse(String raw) throws IOException {
            int end = raw.indexOf("\r\n");
            String[] statusLine = (end < 0 ? raw : raw.substring(0, end)).split(" ");
            if (statusLine.length < 2 || !statusLine[0].startsWith("HTTP/")) {
                throw new IOException("not an HTTP answer: " + raw.substring(0, Math.min(80, raw.length())));
            }
            int body = raw.indexOf("\r\n\r\n");
            try {
                return new HttpAnswer(Integer.parseInt(statusLine[1]), body < 0 ? "" : raw.substring(body + 4));
            } catch (NumberFormatException e) {
                throw new IOException("not an HTTP status: " + statusLine[1], e);
            }
        }
    }

    @Override
    public String toString() {
        return description;
    }
}
