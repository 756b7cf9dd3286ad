package dev.mysqlsts.backend;

import static org.apiguardian.api.API.Status.INTERNAL;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import org.apiguardian.api.API;

/**
 * The backend-specific half of the fault API: how a crash, a freeze, a network cut, a delay or a broken probe is
 * made on this backend. Validation, logging, bookkeeping and healing live in {@code dev.mysqlsts.faults}.
 */
@API(status = INTERNAL)
public interface FaultInjector {

    /** SIGKILL the pod's server; the backend restarts it on the same data. */
    void kill(int ordinal);

    /** Graceful delete; returns once the pod is back with the same identity and data and is Ready. */
    void deletePod(int ordinal);

    /** Freeze the pod's server process. */
    void pause(int ordinal);

    /** Thaw it. */
    void resume(int ordinal);

    /** Drop packets between every pod of {@code side} and every pod of {@code otherSide}. */
    void cut(Set<Integer> side, Set<Integer> otherSide);

    /** Drop packets from pod {@code from} to pod {@code to}; the other direction stays intact. */
    void cutOneWay(int from, int to);

    /** Delay every byte to and from the pod; {@link Duration#ZERO} removes the delay. */
    void latency(int ordinal, Duration delay);

    /**
     * Lose packets on the pod's links to the other pods, each way, with {@code probability} (0 &lt; p &le; 1);
     * never on the test's connections. Called again, it replaces the probability.
     */
    void loss(int ordinal, double probability);

    /**
     * Delay every chunk on the pod's links to the other pods by {@code delay} plus a uniform
     * {@code -jitter..+jitter}, bytes kept in order; never on the test's connections. Replaces an earlier jitter.
     */
    void jitter(int ordinal, Duration delay, Duration jitter);

    /**
     * Limit what the pod sends to the other pods, and what it receives from them, to {@code bytesPerSecond} each;
     * never the test's connections. Replaces an earlier limit.
     */
    void bandwidth(int ordinal, long bytesPerSecond);

    /** Make the readiness probe fail ({@code true}) or run normally again ({@code false}). */
    void breakReadiness(int ordinal, boolean broken);

    /**
     * The faults on the connections from the test JVM to the pods ({@code faults.client(n)}), which the backend's
     * carriers of those connections obey; never replication's links. {@link #restoreAll()} leaves them.
     */
    ClientPaths clientPaths();

    /**
     * Shift the wall clock (CLOCK_REALTIME) of the pod's server by {@code offset}, whole seconds; its monotonic
     * clock stays real. {@link Duration#ZERO} puts it back. A backend that cannot do it faithfully throws
     * {@link UnsupportedOperationException} with the reason.
     */
    void clockSkew(int ordinal, Duration offset);

    /**
     * Make the pod's running server see {@code fault} on its disk, until {@link #restoreHost()} or until that server
     * ends (a restarted server runs on a sound disk). A backend that cannot do it faithfully throws
     * {@link UnsupportedOperationException} with the reason.
     *
     * @return completes when the server that carries the fault has ended
     */
    CompletionStage<Void> diskFault(int ordinal, DiskFault fault);

    /**
     * Undo the disk fault of the pod's running server, if it carries one; the other pods keep theirs. A server that
     * waits for disk space resumes at its own next retry.
     */
    void restoreDisk(int ordinal);

    /**
     * Cut the power of every pod at once: every server SIGKILLed, and what each wrote but had not made durable
     * (fsync, fdatasync, O_SYNC, O_DSYNC, O_DIRECT) taken back before the backend restarts it. A backend that cannot
     * do it faithfully throws {@link UnsupportedOperationException} with the reason.
     */
    void powerCut();

    /** Undo every clock skew and disk fault. */
    void restoreHost();

    /**
     * Undo every cut, delay, loss, jitter and bandwidth limit, resume paused pods, restore every probe; client-path
     * faults stay.
     */
    void restoreAll();
}
