package dev.mysqlsts.k3s;

import dev.mysqlsts.backend.ClientPaths;
import java.io.Closeable;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A TCP listener on the loopback address only; each accepted connection is joined to the pod that
 * {@code target} names at that moment, through a {@link PodPortRelay}.
 *
 * <p>Why a listener of our own rather than fabric8's {@code LocalPortForward} or per-pod Services:
 * <ul>
 *   <li>the pod is looked up by name per connection, so after a pod is deleted and recreated by the
 *       StatefulSet, new connections reach the new pod on the same JDBC URL, as {@code mysql-1.mysql} does in
 *       the cluster (fabric8's {@code LocalPortForward} would do that too, but see the next points);</li>
 *   <li>the target can be chosen per connection, which is what the read Service does: one listener spreads
 *       connections over the Service's Ready endpoints;</li>
 *   <li>closing the listener closes every connection it relayed, and a client closing its side ends the
 *       relay (fabric8 leaves that websocket open);</li>
 *   <li>per-pod Services would need NodePorts published by the k3s container, which must be chosen before
 *       the container starts and do not work against an existing cluster; port-forward works on both.</li>
 *   <li>the client's bytes pass through the harness, so the client-path faults ({@code faults.client(n)}) shape
 *       them here ({@link ShapedChannel}), per connection by the pod it was sent to, as on LOCAL.</li>
 * </ul>
 */
final class LoopbackForwarder implements Closeable, ClientPaths.Carrier {

    private static final Logger LOG = LoggerFactory.getLogger(LoopbackForwarder.class);

    private final String description;
    private final Supplier<String> target;
    private final int targetPort;
    private final PodPortRelay connector;
    private final ServerSocketChannel server;
    private final ClientPaths paths;
    private final Map<SocketChannel, Relay> relays = new ConcurrentHashMap<>();
    private final Thread acceptor;
    private volatile boolean open = true;

    /**
     * @param description for logs and the thread name, for example {@code mysql-1}
     * @param target      the pod to reach, asked per connection; it may throw when there is none
     * @param targetPort  the pod's port
     * @param paths       the client-path faults, by the ordinal of the pod a connection goes to
     */
    LoopbackForwarder(String description, Supplier<String> target, int targetPort, PodPortRelay connector,
            ClientPaths paths) {
        this.description = description;
        this.paths = paths;
        this.target = target;
        this.targetPort = targetPort;
        this.connector = connector;
        try {
            this.server = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        } catch (IOException e) {
            throw new K3sBackendException("K3S: cannot listen on the loopback address for " + description, e);
        }
        paths.register(this);
        this.acceptor = new Thread(this::acceptLoop, "mysqlsts-forward-" + description);
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** The loopback address this listens on, as a URL's host: {@code 127.0.0.1} (or {@code [::1]}). */
    String host() {
        InetAddress loopback = server.socket().getInetAddress();
        return loopback instanceof Inet6Address ? "[" + loopback.getHostAddress() + "]" : loopback.getHostAddress();
    }

    int port() {
        return server.socket().getLocalPort();
    }

    private void acceptLoop() {
        while (open) {
            SocketChannel socket;
            try {
                socket = server.accept();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                if (open) {
                    LOG.warn("{}: accepting a connection failed: {}", description, e.toString());
                }
                continue;
            }
            relay(socket);
        }
    }

    private void relay(SocketChannel socket) {
        String pod;
        try {
            pod = target.get();
        } catch (RuntimeException e) {
            LOG.warn("{}: no pod to send a new connection to: {}", description, e.getMessage());
            closeQuietly(socket);
            return;
        }
        int ordinal = ordinalOf(pod);
        if (paths.of(ordinal).refuse()) {
            LOG.debug("{}: the client path to pod {} refuses, resetting the connection", description, pod);
            reset(socket, () -> { });
            return;
        }
        try {
            Closeable relay = connector.connect(pod, targetPort, new ShapedChannel(socket, ordinal, paths));
            relays.keySet().removeIf(s -> !s.isOpen());
            relays.put(socket, new Relay(ordinal, relay));
            LOG.debug("{}: connection from port {} relayed to pod {}", description,
                    socket.socket().getPort(), pod);
        } catch (IOException | RuntimeException e) {
            LOG.warn("{}: cannot reach pod {} port {}: {}", description, pod, targetPort, e.getMessage());
            closeQuietly(socket);
        }
    }

    /** A StatefulSet's pod is named {@code <set>-<ordinal>}; -1 for anything else. */
    private static int ordinalOf(String pod) {
        try {
            return Integer.parseInt(pod.substring(pod.lastIndexOf('-') + 1));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Nothing to wake: a {@link ShapedChannel} held by a blackhole looks again every few milliseconds. */
    @Override
    public void wake() {
    }

    @Override
    public void resetLinksTo(int ordinal) {
        relays.forEach((socket, relay) -> {
            if (relay.ordinal() == ordinal) {
                relays.remove(socket);
                reset(socket, relay.relay());
            }
        });
    }

    /** SO_LINGER 0 makes the close send a TCP reset to the client. */
    private static void reset(SocketChannel socket, Closeable relay) {
        try {
            socket.setOption(StandardSocketOptions.SO_LINGER, 0);
        } catch (IOException | RuntimeException e) {
            LOG.debug("cannot set SO_LINGER for a reset: {}", e.toString());
        }
        closeQuietly(socket);
        closeQuietly(relay);
    }

    @Override
    public void close() {
        open = false;
        paths.unregister(this);
        closeQuietly(server);
        relays.forEach((socket, relay) -> {
            closeQuietly(relay.relay());
            closeQuietly(socket);
        });
        relays.clear();
    }

    /** A relayed connection and the ordinal of the pod it reaches. */
    private record Relay(int ordinal, Closeable relay) {
    }

    private static void closeQuietly(Closeable closeable) {
        try {
            closeable.close();
        } catch (IOException | RuntimeException ignored) {
            // closing anyway
        }
    }
}
