package dev.mysqlsts.local;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mysqlsts.backend.LinkShape;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LoopbackProxyTest {

    private static final int SILENCE_MS = 300;
    private static final int PATIENCE_MS = 5_000;

    private EchoServer echo;
    private LoopbackProxy proxy;

    @BeforeEach
    void start() throws IOException {
        echo = new EchoServer();
        proxy = new LoopbackProxy("test-link", echo::address);
    }

    @AfterEach
    void stop() {
        proxy.close();
        echo.close();
    }

    @Test
    void carriesBytesBothWaysAndPropagatesTheEndOfStream() throws Exception {
        try (Socket socket = connect()) {
            assertEquals("hello", roundTrip(socket, "hello"));

            byte[] payload = new byte[512 * 1024];
            new Random(42).nextBytes(payload);
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                try {
                    socket.getOutputStream().write(payload);
                    socket.shutdownOutput(); // the echo server closes on end of stream, the proxy passes that back
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            byte[] echoed = socket.getInputStream().readNBytes(payload.length);
            writer.get(PATIENCE_MS, TimeUnit.MILLISECONDS);
            assertArrayEquals(payload, echoed);
            assertEquals(-1, socket.getInputStream().read(), "the upstream's close reaches the client");
        }
    }

    @Test
    void cutSilencesAnEstablishedConnectionWithoutClosingItAndRestoreDeliversWhatWaited() throws Exception {
        try (Socket socket = connect()) {
            assertEquals("before", roundTrip(socket, "before"));

            proxy.cut();
            assertTrue(proxy.isCut());
            send(socket, "during");
            socket.setSoTimeout(SILENCE_MS);
            // a timeout, not -1 (EOF) and not a SocketException (reset): the far side is silent
            assertThrows(SocketTimeoutException.class, () -> socket.getInputStream().read());

            proxy.restore();
            assertFalse(proxy.isCut());
            assertEquals("during", receive(socket, "during".length()));
            assertEquals("after", roundTrip(socket, "after"));
        }
        assertEquals(1, echo.accepted.get(), "the cut kept the one upstream connection open");
    }

    @Test
    void connectionOpenedWhileCutIsHeldSilentlyUntilRestore() throws Exception {
        proxy.cut();
        try (Socket socket = connect()) {
            socket.setSoTimeout(SILENCE_MS);
            assertThrows(SocketTimeoutException.class, () -> socket.getInputStream().read(),
                    "no greeting while cut, and no refusal either");
            send(socket, "knock");
            assertThrows(SocketTimeoutException.class, () -> socket.getInputStream().read());
            assertEquals(0, echo.accepted.get(), "nothing reached the upstream while cut");

            proxy.restore();
            assertEquals("knock", receive(socket, "knock".length()));
            assertEquals("again", roundTrip(socket, "again"));
        }
    }

    @Test
    void jitterAndLossStallChunksButNeverReorderTheStream() throws Exception {
        LinkShape shaky = new LinkShape(TimeUnit.MILLISECONDS.toNanos(5), TimeUnit.MILLISECONDS.toNanos(5), 0.05,
                List.of());
        proxy.shape(shaky, shaky);
        try (Socket socket = connect()) {
            byte[] payload = new byte[512 * 1024];
            new Random(43).nextBytes(payload);
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                try {
                    OutputStream out = socket.getOutputStream();
                    for (int offset = 0; offset < payload.length; offset += 4096) {
                        out.write(payload, offset, 4096); // many small chunks, each with its own draw
                    }
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            byte[] echoed = socket.getInputStream().readNBytes(payload.length);
            writer.get(PATIENCE_MS * 6L, TimeUnit.MILLISECONDS);
            assertArrayEquals(payload, echoed, "every byte back, in order");
        }
    }

    @Test
    void aLostChunkArrivesNoSoonerThanOneRetransmissionTimeoutAndAReleaseLetsWhatWaitsGo() throws Exception {
        LinkShape alwaysLost = new LinkShape(0, 0, 0.999_999, List.of());
        try (Socket socket = connect()) {
            assertEquals("warm", roundTrip(socket, "warm"));
            proxy.shape(alwaysLost, LinkShape.CLEAR);
            long start = System.nanoTime();
            assertEquals("lost", roundTrip(socket, "lost"));
            long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(elapsedMs >= 200, "a chunk that lost a segment came through in " + elapsedMs + " ms, sooner than"
                    + " TCP_RTO_MIN");

            proxy.shape(new LinkShape(TimeUnit.SECONDS.toNanos(10), 0, 0, List.of()), LinkShape.CLEAR);
            send(socket, "held");
            Thread.sleep(100);
            proxy.shape(LinkShape.CLEAR, LinkShape.CLEAR);
            proxy.release();
            socket.setSoTimeout(5_000);
            assertEquals("held", receive(socket, "held".length()), "a chunk due in 10 s goes at the heal");
        }
    }

    @Test
    void latencyDelaysEveryByteInBothDirectionsAndKeepsOrder() throws Exception {
        try (Socket socket = connect()) {
            assertEquals("warm", roundTrip(socket, "warm"));

            proxy.latency(Duration.ofMillis(200));
            long start = System.nanoTime();
            assertEquals("slow", roundTrip(socket, "slow"));
            long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(elapsedMs >= 400, "a round trip through 200 ms each way took only " + elapsedMs + " ms");

            for (String part : List.of("a", "b", "c", "d", "e")) {
                send(socket, part);
                Thread.sleep(20);
            }
            assertEquals("abcde", receive(socket, 5), "chunks arrive in the order they were sent");

            proxy.latency(Duration.ZERO);
            assertEquals("fast", roundTrip(socket, "fast"));
        }
    }

    @Test
    void upstreamDownClosesTheClientAndEachConnectionLooksTheUpstreamUpAgain() throws Exception {
        InetSocketAddress dead;
        try (ServerSocket gone = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            dead = new InetSocketAddress(gone.getInetAddress(), gone.getLocalPort());
        }
        AtomicReference<InetSocketAddress> target = new AtomicReference<>(dead);
        try (LoopbackProxy toRestartedPod = new LoopbackProxy("restarted-pod", target::get)) {
            try (Socket socket = connect(toRestartedPod)) {
                assertEquals(-1, socket.getInputStream().read(), "a refused upstream closes the client");
            }
            target.set(echo.address()); // the pod came back on another port; the proxy's port stays
            try (Socket socket = connect(toRestartedPod)) {
                assertEquals("back", roundTrip(socket, "back"));
            }
        }
    }

    @Test
    void upstreamClosingClosesTheClient() throws Exception {
        try (Socket socket = connect()) {
            assertEquals("hi", roundTrip(socket, "hi"));
            echo.dropConnections();
            assertEquals(-1, socket.getInputStream().read());
        }
    }

    @Test
    void closeStopsListeningClosesConnectionsAndEndsEveryThread() throws Exception {
        LoopbackProxy closing = new LoopbackProxy("closing-link", echo::address);
        int port = closing.port();
        Socket established = connect(closing);
        assertEquals("ok", roundTrip(established, "ok"));
        closing.latency(Duration.ofMillis(50));
        send(established, "in flight");
        closing.cut();
        Socket held = connect(closing);
        send(held, "held");
        assertTrue(proxyThreads("closing-link") > 0);

        closing.close();
        assertEquals(0, proxyThreads("closing-link"), "threads left running after close() returned");
        closing.close(); // idempotent

        assertThrows(ConnectException.class, () -> new Socket(InetAddress.getLoopbackAddress(), port).close());
        for (Socket socket : List.of(established, held)) {
            try (socket) {
                socket.setSoTimeout(PATIENCE_MS);
                assertEquals(-1, readSkippingEcho(socket), "the proxy's close reaches the client");
            }
        }
    }

    private Socket connect() throws IOException {
        return connect(proxy);
    }

    private static Socket connect(LoopbackProxy target) throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), target.port());
        socket.setSoTimeout(PATIENCE_MS);
        return socket;
    }

    private static String roundTrip(Socket socket, String text) throws IOException {
        send(socket, text);
        return receive(socket, text.length());
    }

    private static void send(Socket socket, String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
        socket.getOutputStream().flush();
    }

    private static String receive(Socket socket, int length) throws IOException {
        socket.setSoTimeout(PATIENCE_MS);
        return new String(socket.getInputStream().readNBytes(length), StandardCharsets.UTF_8);
    }

    /** Reads until end of stream; a reset counts as closed too (the proxy may close with unread bytes). */
    private static int readSkippingEcho(Socket socket) {
        try {
            InputStream in = socket.getInputStream();
            while (in.read() >= 0) {
                // whatever was echoed before the close
            }
            return -1;
        } catch (SocketTimeoutException e) {
            return 0;
        } catch (IOException e) {
            return -1;
        }
    }

    private static long proxyThreads(String name) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .filter(thread -> thread.getName().contains(name))
                .count();
    }

    /** Echoes every connection until its end of stream, then closes it. */
    private static final class EchoServer implements AutoCloseable {

        final AtomicInteger accepted = new AtomicInteger();
        private final ServerSocket server;
        private final List<Socket> sockets = new CopyOnWriteArrayList<>();

        EchoServer() throws IOException {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            daemon("echo-accept", () -> {
                try {
                    while (true) {
                        Socket socket = server.accept();
                        accepted.incrementAndGet();
                        sockets.add(socket);
                        daemon("echo-" + socket.getPort(), () -> {
                            try (socket) {
                                socket.getInputStream().transferTo(socket.getOutputStream());
                            } catch (IOException ignored) {
                                // closed by the test
                            }
                        });
                    }
                } catch (IOException ignored) {
                    // server closed
                }
            });
        }

        InetSocketAddress address() {
            return new InetSocketAddress(server.getInetAddress(), server.getLocalPort());
        }

        void dropConnections() throws IOException {
            for (Socket socket : sockets) {
                socket.close();
            }
        }

        @Override
        public void close() {
            try {
                server.close();
                dropConnections();
            } catch (IOException ignored) {
                // best effort
            }
        }

        private static void daemon(String name, Runnable body) {
            Thread thread = new Thread(body, name);
            thread.setDaemon(true);
            thread.start();
        }
    }
}
