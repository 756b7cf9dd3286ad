package dev.mysqlsts;

import java.time.Duration;

/**
 * Faults on the connections from the test and the application under test to one pod: the pod's JDBC URL, the
 * cluster's endpoints ({@link MySqlCluster#jdbcUrl()}, {@link MySqlCluster#readJdbcUrl()}) whenever they route a
 * connection to that pod, and the injected {@code Connection}s. Replication's links between pods are never touched,
 * so a test can show "the application cannot reach the leader while replication is fine". Every fault is undone by
 * {@link Faults#heal()} and after each test method, and kept in {@link Faults#history()} as {@code client-latency},
 * {@code client-bandwidth}, {@code client-blackhole}, {@code client-reset}, {@code client-refuse}.
 *
 * <pre>{@code
 * faults.client(0).blackhole();          // the application's next query to the leader hangs until its socket timeout
 * faults.client(1).latency(Duration.ofMillis(50), Duration.ofMillis(10));
 * }</pre>
 */
public interface ClientPath {

    /**
     * Delays every chunk of bytes, both ways, by {@code delay} plus a random {@code -jitter..+jitter} (uniform);
     * bytes keep their order. {@code latency(ZERO, ZERO)} removes it.
     */
    void latency(Duration delay, Duration jitter);

    /** Limits each connection to {@code bytesPerSecond} in each direction. */
    void bandwidth(long bytesPerSecond);

    /**
     * Bytes stop both ways: open connections stay open and hear nothing, new connections are accepted and hear
     * nothing (no server greeting), until {@link Faults#heal()}; what was held is then delivered.
     */
    void blackhole();

    /** One-shot: every open connection to the pod gets a TCP reset now; new connections work. */
    void reset();

    /** New connections are reset before the server's greeting; open connections keep working. */
    void refuse();
}
