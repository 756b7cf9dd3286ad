package dev.mysqlsts.k3s;

import dev.mysqlsts.backend.ClientPaths;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;

/**
 * A client's connection as the port-forward relay reads and writes it, shaped by the {@link ClientPaths} of the pod
 * it was sent to: each chunk delayed (with jitter), paced to the bandwidth, held while the path is blackholed. The
 * relay's two directions run in threads of their own connection: fabric8's {@code PortForwarderWebsocketListener}
 * (kubernetes-client 6.x/7.x, {@code io.fabric8.kubernetes.client.dsl.internal}) reads the client in a single-thread
 * executor per forward and writes each frame from the pod through a {@code SerialExecutor}, asking the websocket for
 * the next frame only once the write returned; so a sleep here holds one direction of one connection, and a slow
 * write slows the pod's side as a thin link would.
 */
final class ShapedChannel implements ByteChannel {

    private static final long BLACKHOLE_POLL_MILLIS = 20;

    private final SocketChannel socket;
    private final int ordinal;
    private final ClientPaths paths;

    ShapedChannel(SocketChannel socket, int ordinal, ClientPaths paths) {
        this.socket = socket;
        this.ordinal = ordinal;
        this.paths = paths;
    }

    /** Client to pod: what was read is handed on after the delay and the bandwidth's pace. */
    @Override
    public int read(ByteBuffer dst) throws IOException {
        holdWhileBlackholed();
        int read = socket.read(dst);
        if (read > 0) {
            holdWhileBlackholed();
            sleep(paths.delayNanos(ordinal) + paceNanos(read));
        }
        return read;
    }

    /** Pod to client: written after the delay, then paced. */
    @Override
    public int write(ByteBuffer src) throws IOException {
        holdWhileBlackholed();
        sleep(paths.delayNanos(ordinal));
        int written = socket.write(src);
        sleep(paceNanos(written));
        return written;
    }

    @Override
    public boolean isOpen() {
        return socket.isOpen();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    private long paceNanos(int bytes) {
        long rate = paths.of(ordinal).bytesPerSecond();
        return rate <= 0 ? 0 : bytes * 1_000_000_000L / rate;
    }

    private void holdWhileBlackholed() throws InterruptedIOException {
        while (socket.isOpen() && paths.of(ordinal).blackhole()) {
            sleep(TimeUnit.MILLISECONDS.toNanos(BLACKHOLE_POLL_MILLIS));
        }
    }

    private static void sleep(long nanos) throws InterruptedIOException {
        if (nanos <= 0) {
            return;
        }
        try {
            TimeUnit.NANOSECONDS.sleep(nanos);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while shaping a client connection");
        }
    }
}
