package dev.mysqlsts.k3s;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mysqlsts.backend.PodEndpoint;
import dev.mysqlsts.manifest.ClusterSpec;
import dev.mysqlsts.manifest.ManifestLoader;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client-path faults on K3S, made by the harness's own port-forward listeners. The pod is a stand-in that echoes
 * every byte through the shaped connection, both directions, as fabric8's port-forward reads and writes it.
 */
@EnableKubernetesMockClient(crud = true)
class ClientPathOnK3sTest {

    KubernetesMockServer server;
    KubernetesClient client;

    @TempDir
    Path diagnostics;

    private final ClusterSpec spec = ManifestLoader.load("", 3);

    /** Echoes what the client sends, in a thread of its own, until the client goes away. */
    private static final PodPortRelay ECHO = (pod, port, channel) -> {
        Thread echo = new Thread(() -> {
            ByteBuffer buffer = ByteBuffer.allocate(4096);
            try {
                while (channel.read(buffer) >= 0) {
                    buffer.flip();
                    while (buffer.hasRemaining()) {
                        channel.write(buffer);
                    }
                    buffer.clear();
                }
            } catch (IOException e) {
                // the client went away
            }
        }, "echo-" + pod);
        echo.setDaemon(true);
        echo.start();
        return channel;
    };

    @Test
    void latencyDelaysTheRoundTripToThatPodOnly() throws IOException {
        try (K3sStatefulSet running = cluster("mysqlsts-client-latency");
             Socket delayed = open(running.endpoint(1)); Socket other = open(running.endpoint(2))) {
            running.faults().clientPaths().latency(1, Duration.ofMillis(200), Duration.ofMillis(20));

            assertTrue(roundTripMillis(delayed) >= 360, "each way delayed by at least 180 ms");
            assertTrue(roundTripMillis(other) < 360, "mysql-2's path has no delay");
        }
    }

    @Test
    void blackholeHoldsTheBytesUntilTheClientPathsAreRestored() throws IOException {
        try (K3sStatefulSet running = cluster("mysqlsts-client-blackhole");
             Socket open = open(running.writerEndpoint())) {
            roundTripMillis(open);
            running.faults().clientPaths().blackhole(0);
            open.setSoTimeout(1000);
            open.getOutputStream().write('x');

            assertThrows(SocketTimeoutException.class, () -> open.getInputStream().read(), "no answer in a blackhole");
            running.faults().clientPaths().clearClientFaults();
            open.setSoTimeout(5000);
            assertEquals('x', open.getInputStream().read(), "the held byte arrives once the path is restored");
        }
    }

    @Test
    void resetBreaksOpenConnectionsAndRefuseBreaksNewOnes() throws IOException {
        try (K3sStatefulSet running = cluster("mysqlsts-client-reset")) {
            PodEndpoint pod = running.endpoint(1);
            try (Socket open = open(pod); Socket other = open(running.endpoint(0))) {
                roundTripMillis(open);
                running.faults().clientPaths().reset(1);
                assertThrows(SocketException.class, () -> roundTripMillis(open), "a TCP reset");
                roundTripMillis(other);
            }
            try (Socket fresh = open(pod)) {
                roundTripMillis(fresh);
                running.faults().clientPaths().refuse(1);
                roundTripMillis(fresh);
            }
            try (Socket refused = open(pod)) {
                assertThrows(IOException.class, () -> roundTripMillis(refused), "reset before any byte");
            }
        }
    }

    @Test
    void bandwidthPacesEachConnection() throws IOException {
        try (K3sStatefulSet running = cluster("mysqlsts-client-bandwidth"); Socket socket = open(running.endpoint(0))) {
            running.faults().clientPaths().bandwidth(0, 100_000);
            byte[] sent = new byte[100_000];
            Arrays.fill(sent, (byte) 7);
            long started = System.nanoTime();
            socket.getOutputStream().write(sent);
            byte[] received = socket.getInputStream().readNBytes(sent.length);
            long millis = (System.nanoTime() - started) / 1_000_000;

            assertArrayEquals(sent, received);
            assertTrue(millis >= 1500, "100 kB each way at 100 kB/s took " + millis + " ms");
        }
    }

    private K3sStatefulSet cluster(String ns) {
        return new K3sStatefulSet("mysql#client", spec, client, ns, Map.of("app", "mysql"),
                MockCluster.settings(MockCluster.PATIENCE, diagnostics), ECHO);
    }

    private static Socket open(PodEndpoint endpoint) throws IOException {
        Socket socket = new Socket(endpoint.host(), endpoint.port());
        socket.setSoTimeout(10_000);
        return socket;
    }

    private static long roundTripMillis(Socket socket) throws IOException {
        long started = System.nanoTime();
        socket.getOutputStream().write('p');
        InputStream in = socket.getInputStream();
        if (in.read() != 'p') {
            throw new SocketException("no echo");
        }
        return (System.nanoTime() - started) / 1_000_000;
    }
}
