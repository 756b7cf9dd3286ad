package dev.mysqlsts.local;

import dev.mysqlsts.backend.ChunkSchedule;
import dev.mysqlsts.backend.ClientPaths;
import dev.mysqlsts.backend.LinkShape;
import dev.mysqlsts.backend.TokenBucket;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One network link between local processes (a follower's replication connection, the test JVM's connections to a
 * pod), as a TCP proxy on 127.0.0.1. It exists because, without root and iptables, a proxy the harness controls is
 * the only way to drop the traffic between two processes on one host, and a partition must freeze connections that
 * are already established too, not only refuse new ones.
 *
 * <p>A proxy that carries the test JVM's connections (to one pod, or an endpoint that routes each new connection to
 * a pod) also obeys the {@link ClientPaths} of the pod each connection was routed to: delay with jitter, bandwidth,
 * blackhole, reset, refuse.
 *
 * <p>A proxy that carries a replication link obeys the link's {@link LinkShape} per direction: jitter, loss (a
 * stall of one retransmission timeout, see {@link ChunkSchedule}) and the bandwidth of the pods at either end. Bytes
 * always keep their order.
 */
final class LoopbackProxy implements AutoCloseable, ClientPaths.Carrier {

    private static final Logger LOG = LoggerFactory.getLogger(LoopbackProxy.class);
    private static final int BUFFER_BYTES = 16 * 1024;
    private static final int CONNECT_TIMEOUT_MS = 5_000;
    private static final long CLOSE_WAIT_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final String name;
    private final Supplier<Route> route;
    /** The client-path faults this proxy obeys; null on replication's links. */
    private final ClientPaths paths;
    private final ServerSocket listener;
    private final Object lock = new Object();
    private final Set<Link> links = ConcurrentHashMap.newKeySet();
    private final Set<Thread> threads = ConcurrentHashMap.newKeySet();
    private final AtomicInteger linkIds = new AtomicInteger();
    private volatile long latencyNanos;
    private volatile LinkShape shapeToUpstream = LinkShape.CLEAR;
    private volatile LinkShape shapeToClient = LinkShape.CLEAR;
    /** Counts {@link #release()}s: a chunk queued before the last one is written at once. */
    private volatile long releases;
    private boolean cutToUpstream; // guarded by lock: bytes from the client side are held
    private boolean cutToClient; // guarded by lock: bytes from the upstream side are held
    private boolean closed; // guarded by lock

    /** Where a new connection goes: the ordinal of the pod behind {@code address} (-1: none), for its client path. */
    record Route(int ordinal, InetSocketAddress address) {
    }

    /** Listens now on an ephemeral port of 127.0.0.1; {@code upstream} is asked anew for each accepted connection. */
    LoopbackProxy(String name, Supplier<InetSocketAddress> upstream) {
        this(name, () -> new Route(-1, upstream.get()), null);
    }

    /**
     * A proxy on the client path: {@code route} is asked anew for each accepted connection, whose bytes then obey
     * {@code paths} for the pod it was routed to.
     */
    LoopbackProxy(String name, Supplier<Route> route, ClientPaths paths) {
        this.name = Objects.requireNonNull(name, "name");
        this.route = Objects.requireNonNull(route, "route");
        this.paths = paths;
        try {
            this.listener = new ServerSocket(0, 50, InetAddress.getByAddress(new byte[] {127, 0, 0, 1}));
        } catch (IOException e) {
            throw new LocalBackendException("proxy " + name + " could not listen on 127.0.0.1: " + e.getMessage(), e);
        }
        if (paths != null) {
            paths.register(this);
        }
        spawn("accept", this::acceptLoop);
        LOG.debug("proxy {} listens on 127.0.0.1:{}", name, port());
    }

    int port() {
        return listener.getLocalPort();
    }

    /** Drops the link: no byte moves in either direction, nothing is closed, new connections are held silently. */
    void cut() {
        cut(true, true);
    }

    /**
     * Drops the bytes of one or both directions; nothing is closed. New connections are held while either
     * direction is cut, as a TCP handshake needs both.
     */
    void cut(boolean toUpstream, boolean toClient) {
        synchronized (lock) {
            cutToUpstream = toUpstream;
            cutToClient = toClient;
            lock.notifyAll();
        }
        LOG.debug("proxy {} cut: to upstream {}, to client {}", name, toUpstream, toClient);
    }

    /** The link carries traffic again, including what waited during the cut. */
    void restore() {
        cut(false, false);
    }

    boolean isCut() {
        synchronized (lock) {
            return cutToUpstream || cutToClient;
        }
    }

    /** Every byte read from now on, in either direction, is written to the other side no earlier than {@code d} later. */
    void latency(Duration d) {
        if (d.isNegative()) {
            throw new IllegalArgumentException("latency must not be negative: " + d);
        }
        latencyNanos = d.toNanos();
        LOG.debug("proxy {} latency {}", name, d);
    }

    /**
     * What each direction suffers from now on besides a cut and the latency: jitter, loss, bandwidth
     * ({@code toUpstream}: bytes from the client side; {@code toClient}: bytes from the upstream side).
     */
    void shape(LinkShape toUpstream, LinkShape toClient) {
        shapeToUpstream = Objects.requireNonNull(toUpstream, "toUpstream");
        shapeToClient = Objects.requireNonNull(toClient, "toClient");
        LOG.debug("proxy {} shaped: to upstream {}, to client {}", name, toUpstream, toClient);
    }

    /**
     * The link is healed: chunks still waiting for their delay, jitter or loss stall go now (in order), and what
     * comes next is not held behind them.
     */
    void release() {
        synchronized (lock) {
            releases++;
            links.forEach(Link::forgetSchedules);
            lock.notifyAll();
        }
    }

    @Override
    public void wake() {
        synchronized (lock) {
            lock.notifyAll();
        }
    }

    @Override
    public void resetLinksTo(int ordinal) {
        links.stream().filter(link -> link.ordinal == ordinal).forEach(Link::reset);
    }

    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            lock.notifyAll();
        }
        if (paths != null) {
            paths.unregister(this);
        }
        closeQuietly(listener);
        links.forEach(Link::close);
        long deadline = System.nanoTime() + CLOSE_WAIT_NANOS;
        for (Thread thread : threads) {
            if (thread == Thread.currentThread()) {
                continue;
            }
            thread.interrupt();
            try {
                TimeUnit.NANOSECONDS.timedJoin(thread, Math.max(1, deadline - System.nanoTime()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        LOG.debug("proxy {} closed", name);
    }

    @Override
    public String toString() {
        return "LoopbackProxy[" + name + " on 127.0.0.1:" + port() + "]";
    }

    private void acceptLoop() {
        while (true) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                if (!isClosed()) {
                    LOG.debug("proxy {} stops accepting: {}", name, e.toString());
                }
                return;
            }
            Link link = new Link(linkIds.incrementAndGet(), client);
            links.add(link);
            if (isClosed() || link.spawn("from-client", link::run) == null) {
                link.close();
            }
        }
    }

    /**
     * Waits while the direction is cut ({@code null}: either direction) or the client path to the pod is blackholed;
     * false once the proxy is closed.
     */
    private boolean awaitOpen(Boolean toUpstream, int ordinal) throws InterruptedException {
        synchronized (lock) {
            while (!closed && (toUpstream == null ? cutToUpstream || cutToClient
                    : toUpstream ? cutToUpstream : cutToClient)
                    || !closed && paths != null && paths.of(ordinal).blackhole()) {
                lock.wait();
            }
            return !closed;
        }
    }

    private boolean isClosed() {
        synchronized (lock) {
            return closed;
        }
    }

    private Thread spawn(String role, Runnable body) {
        synchronized (lock) {
            if (closed) {
                return null;
            }
            Thread thread = new Thread(() -> {
                try {
                    body.run();
                } finally {
                    threads.remove(Thread.currentThread());
                }
            }, "mysqlsts-proxy-" + name + "-" + role);
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
            return thread;
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        if (closeable != null) {
            try {
                closeable.close();
            } catch (Exception ignored) {
                // nothing left to do with it
            }
        }
    }

    /**
     * Bytes to write at {@code due} (System.nanoTime()), unless released earlier; null bytes stand for the end of
     * the stream.
     */
    private record Chunk(long due, byte[] bytes, long release) {
    }

    /**
     * One direction of a connection. A chunk with no delay and nothing queued before it is written by the thread that
     * read it, which saves two thread hand-offs per chunk (see bench/client-path.sh); the others wait in the queue
     * for the direction's writer thread.
     */
    private static final class Direction {
        final BlockingQueue<Chunk> queue = new LinkedBlockingQueue<>();
        final Object writeLock = new Object();
        final ChunkSchedule schedule = new ChunkSchedule(new SplittableRandom());
        int pending; // guarded by writeLock: chunks queued and not written yet
        /** The client path's bandwidth limit of this connection and direction; only the writer thread uses it. */
        TokenBucket clientBucket;
    }

    /** One accepted connection and its upstream: a reader and a writer thread per direction. */
    private final class Link {

        private final int id;
        private final Socket client;
        private final List<Thread> linkThreads = new CopyOnWriteArrayList<>();
        private final AtomicInteger halfClosed = new AtomicInteger();
        private final Direction toServer = new Direction();
        private final Direction toClient = new Direction();
        private Socket server; // guarded by this
        /** The pod this connection was routed to, -1 until routed (or on a replication link). */
        private volatile int ordinal = -1;
        private boolean done; // guarded by this

        Link(int id, Socket client) {
            this.id = id;
            this.client = client;
        }

        synchronized Thread spawn(String role, Runnable body) {
            if (done) {
                return null;
            }
            Thread thread = LoopbackProxy.this.spawn(id + "-" + role, body);
            if (thread != null) {
                linkThreads.add(thread);
            }
            return thread;
        }

        synchronized boolean isDone() {
            return done;
        }

        /** Holds the client while cut, then connects upstream and pumps client to upstream in this thread. */
        void run() {
            Route target;
            try {
                if (!awaitOpen(null, -1)) {
                    close();
                    return;
                }
                target = Objects.requireNonNull(route.get(), "no upstream address");
                ordinal = target.ordinal();
                if (paths != null && paths.of(ordinal).refuse()) {
                    LOG.debug("proxy {} connection {}: the client path to ordinal {} refuses, resetting", name, id, ordinal);
                    reset();
                    return;
                }
                if (!awaitOpen(null, ordinal)) { // a blackhole accepts and stays silent
                    close();
                    return;
                }
            } catch (InterruptedException e) {
                close();
                return;
            } catch (RuntimeException e) {
                LOG.debug("proxy {} connection {}: no upstream ({}), closing the client", name, id, e.toString());
                close();
                return;
            }
            Socket s = new Socket();
            try {
                client.setTcpNoDelay(true);
                s.setTcpNoDelay(true);
                s.connect(target.address(), CONNECT_TIMEOUT_MS);
                LOG.debug("proxy {} connection {} forwards to {}", name, id, target);
            } catch (IOException | RuntimeException e) {
                LOG.debug("proxy {} connection {}: upstream unreachable ({}), closing the client", name, id, e.toString());
                closeQuietly(s);
                close();
                return;
            }
            synchronized (this) {
                if (done) {
                    closeQuietly(s);
                    return;
                }
                server = s;
            }
            if (spawn("from-upstream", () -> read(s, toClient, client, false)) == null
                    || spawn("to-client", () -> write(toClient, client, false)) == null
                    || spawn("to-upstream", () -> write(toServer, s, true)) == null) {
                close();
                return;
            }
            read(client, toServer, s, true);
        }

        private void read(Socket from, Direction direction, Socket to, boolean toUpstream) {
            byte[] buffer = new byte[BUFFER_BYTES];
            try {
                InputStream in = from.getInputStream();
                while (awaitOpen(toUpstream, ordinal)) {
                    int n;
                    try {
                        n = in.read(buffer);
                    } catch (IOException e) {
                        if (!isDone() && awaitOpen(toUpstream, ordinal)) { // a reset is dropped by a cut link like any packet
                            LOG.debug("proxy {} connection {}: {}", name, id, e.toString());
                            close();
                        }
                        return;
                    }
                    if (!awaitOpen(toUpstream, ordinal)) { // what arrived as the link was cut waits for the restore too
                        return;
                    }
                    long read = System.nanoTime();
                    long delay = latencyNanos + (paths == null ? 0 : paths.delayNanos(ordinal));
                    LinkShape shape = toUpstream ? shapeToUpstream : shapeToClient;
                    synchronized (direction.writeLock) {
                        if (n > 0 && delay == 0 && direction.pending == 0 && shape.isClear()
                                && (paths == null || paths.of(ordinal).bytesPerSecond() == 0)) {
                            OutputStream out = to.getOutputStream();
                            out.write(buffer, 0, n);
                            out.flush();
                            continue;
                        }
                        direction.pending++;
                        long due = n < 0 ? read + delay : direction.schedule.due(read + delay, shape);
                        direction.queue.add(new Chunk(due, n < 0 ? null : Arrays.copyOf(buffer, n), releases));
                    }
                    if (n < 0) {
                        return;
                    }
                }
            } catch (InterruptedException e) {
                // the link or the proxy is closing
            } catch (IOException e) {
                close();
            }
        }

        private void write(Direction direction, Socket to, boolean toUpstream) {
            try {
                OutputStream out = to.getOutputStream();
                while (true) {
                    Chunk chunk = direction.queue.take();
                    awaitDue(chunk);
                    if (!awaitOpen(toUpstream, ordinal)) {
                        return;
                    }
                    if (chunk.bytes() == null) {
                        to.shutdownOutput();
                        if (halfClosed.incrementAndGet() == 2) {
                            close();
                        }
                        return;
                    }
                    synchronized (direction.writeLock) {
                        send(out, chunk.bytes(), direction, toUpstream);
                        direction.pending--;
                    }
                }
            } catch (InterruptedException e) {
                // the link or the proxy is closing
            } catch (IOException e) {
                if (!isDone()) {
                    LOG.debug("proxy {} connection {}: {}", name, id, e.toString());
                }
                close();
            }
        }

        /** Waits until the chunk is due, or the link was released (healed) since it was queued. */
        private void awaitDue(Chunk chunk) throws InterruptedException {
            while (true) {
                long wait = chunk.due() - System.nanoTime();
                if (wait <= 0 || releases != chunk.release()) {
                    return;
                }
                synchronized (lock) {
                    if (closed) {
                        return;
                    }
                    if (releases == chunk.release()) {
                        TimeUnit.NANOSECONDS.timedWait(lock, wait);
                    }
                }
            }
        }

        /**
         * Writes the bytes, no faster than every bandwidth limit on the way allows: the client path's (per connection
         * and direction) and the link's (the pods' buckets, shared by their links). Each slice waits for its tokens
         * in every bucket before it leaves.
         */
        private void send(OutputStream out, byte[] bytes, Direction direction, boolean toUpstream)
                throws IOException, InterruptedException {
            int offset = 0;
            while (offset < bytes.length) {
                List<TokenBucket> buckets = buckets(direction, toUpstream);
                if (buckets.isEmpty()) {
                    out.write(bytes, offset, bytes.length - offset);
                    break;
                }
                int slice = bytes.length - offset;
                for (TokenBucket bucket : buckets) {
                    slice = Math.min(slice, bucket.slice(slice));
                }
                long now = System.nanoTime();
                long wait = 0;
                for (TokenBucket bucket : buckets) {
                    wait = Math.max(wait, bucket.reserve(now, slice));
                }
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                out.write(bytes, offset, slice);
                out.flush();
                offset += slice;
            }
            out.flush();
        }

        /** The bandwidth limits this direction passes through now. */
        private List<TokenBucket> buckets(Direction direction, boolean toUpstream) {
            long rate = paths == null ? 0 : paths.of(ordinal).bytesPerSecond();
            if (rate <= 0) {
                direction.clientBucket = null;
            } else if (direction.clientBucket == null || direction.clientBucket.bytesPerSecond() != rate) {
                direction.clientBucket = new TokenBucket(rate);
            }
            List<TokenBucket> link = (toUpstream ? shapeToUpstream : shapeToClient).buckets();
            if (direction.clientBucket == null) {
                return link;
            }
            List<TokenBucket> all = new ArrayList<>(link);
            all.add(direction.clientBucket);
            return all;
        }

        /** The link was healed: chunks read from now on are not held behind those queued before. */
        void forgetSchedules() {
            toServer.schedule.reset();
            toClient.schedule.reset();
        }

        /** A TCP reset to the client (SO_LINGER 0 makes close send RST), the upstream closed. */
        void reset() {
            try {
                client.setSoLinger(true, 0);
            } catch (IOException e) {
                LOG.debug("proxy {} connection {}: cannot set SO_LINGER for a reset: {}", name, id, e.toString());
            }
            close();
        }

        void close() {
            Socket s;
            synchronized (this) {
                if (done) {
                    return;
                }
                done = true;
                s = server;
            }
            links.remove(this);
            closeQuietly(client);
            closeQuietly(s);
            for (Thread thread : linkThreads) {
                if (thread != Thread.currentThread()) {
                    thread.interrupt();
                }
            }
            LOG.debug("proxy {} connection {} closed", name, id);
        }
    }
}
