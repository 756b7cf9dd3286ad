package dev.mysqlsts.k3s;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.PortForward;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@link PodConnector} through the API server's port-forward of the pod with that name: a new websocket per
 * client connection, so a connection opened after the pod was deleted and recreated reaches the new pod.
 */
final class PortForwardConnector implements PodConnector {

    private final KubernetesClient client;
    private final String namespace;

    PortForwardConnector(KubernetesClient client, String namespace) {
        this.client = client;
        this.namespace = namespace;
    }

    @Override
    public Closeable connect(String podName, int port, SocketChannel socket) {
        AtomicReference<PortForward> forward = new AtomicReference<>();
        AtomicBoolean clientDone = new AtomicBoolean();
        // fabric8 stops reading when the client closes its side, but keeps the websocket open: close it then.
        ReadableByteChannel in = new ReadableByteChannel() {
            @Override
            public int read(ByteBuffer dst) throws IOException {
                int read = socket.read(dst);
                if (read < 0 && clientDone.compareAndSet(false, true)) {
                    closeQuietly(forward.get());
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
        }
        return () -> {
            closeQuietly(started);
            socket.close();
        };
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
