package dev.mysqlsts.local;

import dev.mysqlsts.backend.ClientPaths;
import java.net.InetSocketAddress;
import java.time.Duration;
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

    /** No cut and no delay anywhere; the client-path faults stay ({@link ClientPaths#clearClientFaults()}). */
    synchronized void restoreAll() {
        cut.clear();
        delays.clear();
        paths.clearPodLatency();
        links.forEach(this::apply);
    }

    /**
     * A link proxy carries the connections {@code link.from()} opens to {@code link.to()}: bytes from the client
     * side travel from -> to, bytes from upstream to -> from; each direction is cut on its own.
     */
    private void apply(Link link, LoopbackProxy proxy) {
        proxy.cut(cut.contains(link), cut.contains(new Link(link.to(), link.from())));
        proxy.latency(delays.getOrDefault(link.from(), Duration.ZERO).plus(delays.getOrDefault(link.to(), Duration.ZERO)));
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
