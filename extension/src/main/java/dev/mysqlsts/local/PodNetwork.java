package dev.mysqlsts.local;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntFunction;

/**
 * The links of a LOCAL cluster, each a {@link LoopbackProxy}: one per pod for the test JVM's connections (its
 * port is the pod's stable address, whatever port the server has after a restart) and one per replication
 * link (follower to source), so that a partition cuts exactly the pod-to-pod links and a delay slows every byte
 * to and from a pod. Links made later obey the cuts and delays already in force.
 */
final class PodNetwork implements AutoCloseable {

    private record Link(int from, int to) {
    }

    private final String clusterName;
    private final IntFunction<InetSocketAddress> server;
    private final IntFunction<String> podName;
    private final Map<Integer, LoopbackProxy> clients = new HashMap<>();
    private final Map<Link, LoopbackProxy> links = new HashMap<>();
    /** The directions whose packets are dropped: (a, b) drops what a sends to b. */
    private final Set<Link> cut = new HashSet<>();
    private final Map<Integer, Duration> delays = new HashMap<>();

    /**
     * @param server  the server address of an ordinal now (it changes when a pod restarts on another port)
     * @param podName the pod name of an ordinal, for logs
     */
    PodNetwork(String clusterName, IntFunction<InetSocketAddress> server, IntFunction<String> podName) {
        this.clusterName = clusterName;
        this.server = server;
        this.podName = podName;
    }

    /** The port through which the test JVM reaches the pod. */
    synchronized int clientPort(int ordinal) {
        return clients.computeIfAbsent(ordinal, n -> {
            LoopbackProxy proxy = new LoopbackProxy(clusterName + "-client->" + podName.apply(n), () -> server.apply(n));
            proxy.latency(delays.getOrDefault(n, Duration.ZERO));
            return proxy;
        }).port();
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
        clients.forEach((n, proxy) -> proxy.latency(delays.getOrDefault(n, Duration.ZERO)));
        links.forEach(this::apply);
    }

    /** No cut and no delay anywhere. */
    synchronized void restoreAll() {
        cut.clear();
        delays.clear();
        clients.values().forEach(proxy -> proxy.latency(Duration.ZERO));
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
        clients.clear();
        links.clear();
    }
}
