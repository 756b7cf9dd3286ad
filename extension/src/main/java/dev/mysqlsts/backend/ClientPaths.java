package dev.mysqlsts.backend;

import static org.apiguardian.api.API.Status.INTERNAL;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.UnaryOperator;
import org.apiguardian.api.API;

/**
 * What the connections from the test JVM (the tests and the application under test) to each pod suffer: the
 * pod's own {@code faults.latency} (LOCAL), and the client-path faults ({@code faults.client(n)}). Read by every
 * {@link Carrier} of such connections (LOCAL's loopback proxies, K3S's port-forward listeners: per pod, writer and
 * read endpoints), per connection and per chunk, by the ordinal the connection was routed to; never by
 * replication's links.
 */
@API(status = INTERNAL)
public final class ClientPaths {

    /** Something that carries client connections to pods. */
    public interface Carrier {

        /** The shapes changed: connections held by a blackhole look again. */
        void wake();

        /** Every open connection to the pod gets a TCP reset now (SO_LINGER 0, then close). */
        void resetLinksTo(int ordinal);
    }

    /**
     * @param podDelayNanos  {@code faults.latency(n, d)}: every byte to and from the pod
     * @param delayNanos     {@code client(n).latency}: the fixed part of the client path's delay
     * @param jitterNanos    its random part: each chunk gets delay + uniform(-jitter, +jitter)
     * @param bytesPerSecond {@code client(n).bandwidth}; 0: unlimited
     * @param blackhole      bytes are held both ways, new connections accepted and held
     * @param refuse         new connections are reset before the server's greeting
     */
    public record Shape(long podDelayNanos, long delayNanos, long jitterNanos, long bytesPerSecond, boolean blackhole,
            boolean refuse) {

        static final Shape CLEAR = new Shape(0, 0, 0, 0, false, false);

        /** The same pod delay, no client-path fault. */
        Shape clientCleared() {
            return new Shape(podDelayNanos, 0, 0, 0, false, false);
        }
    }

    private final Map<Integer, Shape> shapes = new ConcurrentHashMap<>();
    private final Set<Carrier> proxies = ConcurrentHashMap.newKeySet();

    /** A carrier of client connections: woken on every change, asked to reset its connections. */
    public void register(Carrier carrier) {
        proxies.add(carrier);
    }

    public void unregister(Carrier carrier) {
        proxies.remove(carrier);
    }

    /** What connections to the pod suffer now; nothing for -1 (no pod). */
    public Shape of(int ordinal) {
        return ordinal < 0 ? Shape.CLEAR : shapes.getOrDefault(ordinal, Shape.CLEAR);
    }

    /** The delay of the next chunk on a connection to the pod, jitter drawn now. */
    public long delayNanos(int ordinal) {
        Shape shape = of(ordinal);
        return shape.podDelayNanos() + LinkShape.drawDelay(ThreadLocalRandom.current(), shape.delayNanos(),
                shape.jitterNanos());
    }

    public void podLatency(int ordinal, Duration delay) {
        change(ordinal, s -> new Shape(delay.toNanos(), s.delayNanos(), s.jitterNanos(), s.bytesPerSecond(),
                s.blackhole(), s.refuse()));
    }

    public void latency(int ordinal, Duration delay, Duration jitter) {
        change(ordinal, s -> new Shape(s.podDelayNanos(), delay.toNanos(), jitter.toNanos(), s.bytesPerSecond(),
                s.blackhole(), s.refuse()));
    }

    public void bandwidth(int ordinal, long bytesPerSecond) {
        change(ordinal, s -> new Shape(s.podDelayNanos(), s.delayNanos(), s.jitterNanos(), bytesPerSecond,
                s.blackhole(), s.refuse()));
    }

    public void blackhole(int ordinal) {
        change(ordinal, s -> new Shape(s.podDelayNanos(), s.delayNanos(), s.jitterNanos(), s.bytesPerSecond(), true,
                s.refuse()));
    }

    public void refuse(int ordinal) {
        change(ordinal, s -> new Shape(s.podDelayNanos(), s.delayNanos(), s.jitterNanos(), s.bytesPerSecond(),
                s.blackhole(), true));
    }

    /** A TCP reset, now, to every open client connection to the pod; new connections are not affected. */
    public void reset(int ordinal) {
        proxies.forEach(proxy -> proxy.resetLinksTo(ordinal));
    }

    /** Ends one client-path fault on the pod ({@code bandwidth}, {@code blackhole} or {@code refuse}); the others stay. */
    public void lift(int ordinal, String fault) {
        change(ordinal, s -> switch (fault) {
            case "bandwidth" -> new Shape(s.podDelayNanos(), s.delayNanos(), s.jitterNanos(), 0, s.blackhole(), s.refuse());
            case "blackhole" -> new Shape(s.podDelayNanos(), s.delayNanos(), s.jitterNanos(), s.bytesPerSecond(), false,
                    s.refuse());
            case "refuse" -> new Shape(s.podDelayNanos(), s.delayNanos(), s.jitterNanos(), s.bytesPerSecond(),
                    s.blackhole(), false);
            default -> throw new IllegalArgumentException("no client-path fault " + fault + " to lift");
        });
    }

    /** No pod delay anywhere; client-path faults stay. */
    public void clearPodLatency() {
        shapes.replaceAll((n, s) -> new Shape(0, s.delayNanos(), s.jitterNanos(), s.bytesPerSecond(), s.blackhole(),
                s.refuse()));
        proxies.forEach(Carrier::wake);
    }

    /** No client-path fault anywhere; pod delays stay. */
    public void clearClientFaults() {
        shapes.replaceAll((n, s) -> s.clientCleared());
        proxies.forEach(Carrier::wake);
    }

    private void change(int ordinal, UnaryOperator<Shape> change) {
        shapes.compute(ordinal, (n, s) -> change.apply(s == null ? Shape.CLEAR : s));
        proxies.forEach(Carrier::wake);
    }
}
