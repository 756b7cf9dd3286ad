package dev.mysqlsts.k3s;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.PortForward;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.ByteChannel;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link PodPortRelay} through the API server's port-forward of the pod with that name: a new websocket per
 * client connection, so a connection opened after the pod was deleted and recreated reaches the new pod.
 *
 * <p>fabric8's forward is asynchronous: its errors (the pod not running, the port refused in the pod, the
 * websocket cut) reach only the forward's own lists and a debug log line (fabric8
 * {@code PortForwarderWebsocket}, {@code PortForward#getClientThrowables}/{@code getServerThrowables}). They are
 * read when the relay ends and logged as a warning naming the pod, so a client's dropped connection has a
 * cause in the log.
 */
final class PortForwardConnector implements PodPortRelay {

    private static final Logger LOG = LoggerFactory.getLogger(PortForwardConnector.class);

    private final KubernetesClient client;
    private final String namespace;

    PortForwardConnector(KubernetesClient client, String namespace) {
        this.client = client;
        this.namespace = namespace;
    }

    @Override
    public Closeable connect(String podName, int port, ByteChannel socket) {
        AtomicReference<PortForward> forward = new AtomicReference<>();
        AtomicBoolean clientDone = new AtomicBoolean();
        AtomicBoolean reported = new AtomicBoolean();
        Runnable report = () -> {
            PortForward f = forward.get();
            if (f != null && reported.compareAndSet(false, true)) {
                errors(f).ifPresent(errors -> LOG.warn("K3S: port-forward to port {} of pod {} (namespace {}) failed: {}",
                        port, podName, namespace, errors));
            }
        };
        // fabric8 stops reading when the client closes its side, but keeps the websocket open: close it then.
        ReadableByteChannel in = new ReadableByteChannel() {
            @Override
            public int read(ByteBuffer dst) throws IOException {
                int read = socket.read(dst);
                if (read < 0 && clientDone.compareAndSet(false, true)) {
                    closeQuietly(forward.get());
                    report.run();
                }
                return read;
            }

            @Override
            public boolean isOpen() {
                return socket.isOpen();
            }

            @Override
            public void close() throws IOException {
                socket.close();
            }
        };
        PortForward started = client.pods().inNamespace(namespace).withName(podName).portForward(port, in, socket);
        forward.set(started);
        if (clientDone.get()) {
            closeQuietly(started);
            report.run();
        }
        return () -> {
            closeQuietly(started);
            report.run();
            socket.close();
        };
    }

    /** What went wrong in the forward, client and server side, if anything. */
    static Optional<String> errors(PortForward forward) {
        if (!forward.errorOccurred()) {
            return Optional.empty();
        }
        String errors = Stream.concat(
                        forward.getClientThrowables().stream().map(t -> "client side: " + t),
                        forward.getServerThrowables().stream().map(t -> "API server side: " + t))
                .collect(Collectors.joining("; "));
        return Optional.of(errors.isEmpty() ? "an error without details" : errors);
    }

    private static void closeQuietly(Closeable closeable) {
        if (closeable == null) {
            return;
        }
        try {
            closeable.close();
        } catch (IOException | RuntimeException ignored) {
            // the connection is going away anyway
        }
    }
}
