package dev.mysqlsts.local;

import dev.mysqlsts.backend.ClientPaths;
import dev.mysqlsts.backend.LinkShape;
import dev.mysqlsts.backend.TokenBucket;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import java.util.function.IntPredicate;
import java.util.function.IntSupplier;

/**
 * The links of a LOCAL cluster, each a {@link LoopbackProxy}: one per pod for the test JVM's connections (its
 * port is the pod's stable address, whatever port the server has after a restart) and one per replication
 * link (follower to source), so that a partition cuts exactly the pod-to-pod links and a delay slows every byte
 * to and from a pod. Links made later obey the cuts and delays already in force.
 *
 * <p>The application's path: besides the per-pod proxies, a writer endpoint (each new connection to the leader of
 * the moment) and a read endpoint (each new connection to the next Ready pod, like the read Service). Every
 * connection on these three kinds of proxy obeys the {@link ClientPaths} of the pod it reached; replication's links
 * never do.
 *
 * <p>The link faults of a pod ({@code faults.loss}, {@code jitter}, {@code bandwidth}) shape every replication link
 * that touches it, each direction as the pod's interface would: what pod a sends to pod b crosses a's egress and b's
 * ingress, so it suffers both pods' jitter (summed) and loss (1 - (1 - pa)(1 - pb)), and waits for tokens in a's
 * egress bucket and b's ingress bucket, each shared by all of that pod's links. A loss of 100% is a cut of that
 * direction: every segment and every retransmission is lost.
 */
final class PodNetwork implements AutoCloseable {

    private record Link(int from, int to) {
    }

    private final String clusterName;
    private final IntFunction<InetSocketAddress> server;
    private final IntFunction<String> podName;
    private final IntSupplier leader;
    private final IntSupplier replicas;
    private final IntPredicate ready;
    private final ClientPaths paths = new ClientPaths();
    private final AtomicInteger nextRead = new AtomicInteger();
    private LoopbackProxy writer;
    private LoopbackProxy reader;
    private final Map<Integer, LoopbackProxy> clients = new HashMap<>();
    private final Map<Link, LoopbackProxy> links = new HashMap<>();
    /** The directions whose packets are dropped: (a, b) drops what a sends to b. */
    private final Set<Link> cut = new HashSet<>();
    private final Map<Integer, Duration> delays = new HashMap<>();
    /** faults.loss: the probability, per pod, that a chunk on its links loses a segment. */
    private final Map<Integer, Double> losses = new HashMap<>();
    /** faults.jitter: per pod, {delay, jitter} in nanoseconds. */
    private final Map<Integer, long[]> jitters = new HashMap<>();
    /** faults.bandwidth: per pod, the bucket of what it sends to the other pods, and of what it receives. */
    private final Map<Integer, TokenBucket> egress = new HashMap<>();
    private final Map<Integer, TokenBucket> ingress = new HashMap<>();

    /**
     * @param server  the server address of an ordinal now (it changes when a pod restarts on another port)
     * @param podName the pod name of an ordinal, for logs
     * @param leader   the leader's ordinal now
     * @param replicas the number of pods now
     * @param ready    whether the pod passes its readiness probe now
     */
    PodNetwork(String clusterName, IntFunction<InetSocketAddress> server, IntFunction<String> podName,
            IntSupplier leader, IntSupplier replicas, IntPredicate ready) {
        this.clusterName = clusterName;
        this.server = server;
        this.podName = podName;
        this.leader = leader;
        this.replicas = replicas;
        this.ready = ready;
    }

    /** The port through which the test JVM reaches the pod. */
    synchronized int clientPort(int ordinal) {
        return clients.computeIfAbsent(ordinal, n -> new LoopbackProxy(clusterName + "-client->" + podName.apply(n),
                () -> new LoopbackProxy.Route(n, server.apply(n)), paths)).port();
    }

    /** The writer endpoint's port: stable for the cluster's life, each new connection to the leader of the moment. */
    synchronized int writerPort() {
        if (writer == null) {
            writer = new LoopbackProxy(clusterName + "-writer", () -> {
                int n = leader.getAsInt();
                return new LoopbackProxy.Route(n, server.apply(n));
            }, paths);
        }
        return writer.port();
    }

    /** The read endpoint's port: stable, each new connection to the next Ready pod in turn (as the read Service). */
    synchronized int readerPort() {
        if (reader == null) {
            reader = new LoopbackProxy(clusterName + "-read", this::nextReadyPod, paths);
        }
        return reader.port();
    }

    /** Round robin over the pods that pass their readiness probe now; an error naming them when none does. */
    private LoopbackProxy.Route nextReadyPod() {
        int count = replicas.getAsInt();
        int first = Math.floorMod(nextRead.getAndIncrement(), Math.max(1, count));
        for (int i = 0; i < count; i++) {
            int n = (first + i) % count;
            if (ready.test(n)) {
                return new LoopbackProxy.Route(n, server.apply(n));
            }
        }
        throw new IllegalStateException("no pod of " + clusterName + " is Ready for the read endpoint");
    }

    /** The faults on the connections from the test JVM to the pods. */
    ClientPaths clientPaths() {
        return paths;
    }

    /** The port through which pod {@code from} reaches pod {@code to}. */
    synchronized int linkPort(int from, int to) {
        Link link = new Link(from, to);
        return links.computeIfAbsent(link, l -> {
            LoopbackProxy proxy = new LoopbackProxy(clusterName + "-" + podName.apply(from) + "->" + podName.apply(to),
                    () -> server.apply(to));
            apply(l, proxy);
            return proxy;
        }).port();
    }

    /** Drops packets on every link between the two sides. */
    synchronized void cut(Set<Integer> side, Set<Integer> otherSide) {
        for (int a : side) {
            for (int b : otherSide) {
                cut.add(new Link(a, b));
                cut.add(new Link(b, a));
            }
        }
        links.forEach(this::apply);
    }

    /** Drops packets from pod {@code from} to pod {@code to}; the other direction keeps moving. */
    synchronized void cutOneWay(int from, int to) {
        cut.add(new Link(from, to));
        links.forEach(this::apply);
    }

    /** Delays every byte on the pod's client link and on every link that touches it. */
    synchronized void latency(int ordinal, Duration delay) {
        delays.put(ordinal, delay);
        paths.podLatency(ordinal, delay);
        links.forEach(this::apply);
    }

    /** Each chunk on the pod's links lost a segment with {@code probability} (a stall; 1: a cut). */
    synchronized void loss(int ordinal, double probability) {
        losses.put(ordinal, probability);
        links.forEach(this::apply);
    }

    /** Each chunk on the pod's links delayed by {@code delay} plus uniform(-jitter, +jitter), in order. */
    synchronized void jitter(int ordinal, Duration delay, Duration jitter) {
        if (delay.isZero() && jitter.isZero()) {
            jitters.remove(ordinal);
        } else {
            jitters.put(ordinal, new long[] {delay.toNanos(), jitter.toNanos()});
        }
        links.forEach(this::apply);
    }

    /** What the pod sends on its links, and what it receives on them, each limited to {@code bytesPerSecond}. */
    synchronized void bandwidth(int ordinal, long bytesPerSecond) {
        egress.put(ordinal, new TokenBucket(bytesPerSecond));
        ingress.put(ordinal, new TokenBucket(bytesPerSecond));
        links.forEach(this::apply);
    }

    /**
     * No cut, delay, loss, jitter or bandwidth limit anywhere, and what the links held back goes now; the
     * client-path faults stay ({@link ClientPaths#clearClientFaults()}).
     */
    synchronized void restoreAll() {
        cut.clear();
        delays.clear();
        losses.clear();
        jitters.clear();
        egress.clear();
        ingress.clear();
        paths.clearPodLatency();
        links.forEach(this::apply);
        links.values().forEach(LoopbackProxy::release);
    }

    /**
     * A link proxy carries the connections {@code link.from()} opens to {@code link.to()}: bytes from the client
     * side travel from -> to, bytes from upstream to -> from; each direction is cut on its own.
     */
    private void apply(Link link, LoopbackProxy proxy) {
        LinkShape toUpstream = shape(link.from(), link.to());
        LinkShape toClient = shape(link.to(), link.from());
        proxy.cut(cut.contains(link) || toUpstream.lossProbability() >= 1,
                cut.contains(new Link(link.to(), link.from())) || toClient.lossProbability() >= 1);
        proxy.latency(delays.getOrDefault(link.from(), Duration.ZERO).plus(delays.getOrDefault(link.to(), Duration.ZERO)));
        proxy.shape(toUpstream, toClient);
    }

    /** What bytes from pod {@code sender} to pod {@code receiver} suffer: both pods' link faults. */
    LinkShape shape(int sender, int receiver) {
        long[] none = {0, 0};
        long[] a = jitters.getOrDefault(sender, none);
        long[] b = jitters.getOrDefault(receiver, none);
        double loss = 1 - (1 - losses.getOrDefault(sender, 0.0)) * (1 - losses.getOrDefault(receiver, 0.0));
        List<TokenBucket> buckets = new ArrayList<>(2);
        if (egress.containsKey(sender)) {
            buckets.add(egress.get(sender));
        }
        if (ingress.containsKey(receiver)) {
            buckets.add(ingress.get(receiver));
        }
        return new LinkShape(a[0] + b[0], a[1] + b[1], Math.min(1, Math.max(0, loss)), buckets);
    }

    @Override
    public synchronized void close() {
        List.copyOf(clients.values()).forEach(LoopbackProxy::close);
        List.copyOf(links.values()).forEach(LoopbackProxy::close);
        for (LoopbackProxy endpoint : new LoopbackProxy[] {writer, reader}) {
            if (endpoint != null) {
                endpoint.close();
            }
        }
        clients.clear();
        links.clear();
    }
}
