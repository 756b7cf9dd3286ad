package dev.mysqlsts.backend;

import static org.apiguardian.api.API.Status.INTERNAL;

import java.time.Duration;
import java.util.random.RandomGenerator;
import org.apiguardian.api.API;

/**
 * When each chunk of one direction of a proxied connection may be written: the time it was read plus its delay
 * (with jitter drawn per chunk), never before the chunk ahead of it (a TCP stream never reorders its bytes, so a
 * chunk that drew a shorter delay waits for the one before it), plus a stall when the chunk "lost a segment".
 *
 * <p>A TCP proxy cannot drop a packet: the kernels at both ends retransmit and hide every loss. What a lost segment
 * does to a TCP connection is a stall: the receiver gets nothing after the hole until the sender's retransmission
 * timer fires and the segment arrives again, and the bytes behind it wait in order. So with the link's loss
 * probability, per chunk, the direction stalls for {@link #TCP_RTO_MIN} (Linux's minimum retransmission timeout,
 * which is what a connection on a short round trip uses) before the chunk and everything behind it go on. The
 * emulation is gentler than a real lossy link: a chunk (what one read returned, up to 16 KB) stands for several
 * segments, its retransmission is never lost again (TCP would double the timeout each time, RFC 6298 5.5), and
 * the congestion window does not shrink. At a probability of 1 every retransmission is lost too: that is a cut,
 * which the caller makes instead.
 *
 * <p>One instance per direction of a connection; thread-safe ({@link #reset()} comes from the thread that heals).
 */
@API(status = INTERNAL)
public final class ChunkSchedule {

    /**
     * Linux's minimum retransmission timeout: {@code #define TCP_RTO_MIN ((unsigned)(HZ/5))} in
     * include/net/tcp.h (torvalds/linux), 200 ms whatever HZ is.
     */
    public static final Duration TCP_RTO_MIN = Duration.ofMillis(200);

    private final RandomGenerator random;
    private long lastDue = Long.MIN_VALUE;

    /** @param random the draws of jitter and loss; a seeded one gives the same schedule every time */
    public ChunkSchedule(RandomGenerator random) {
        this.random = random;
    }

    /**
     * The time (same clock as {@code earliestNanos}) at which a chunk may be written: {@code earliestNanos} (when it
     * was read, plus any fixed delay) plus the shape's delay and jitter, not before the chunk ahead of it, plus
     * {@link #TCP_RTO_MIN} if it lost a segment.
     */
    public synchronized long due(long earliestNanos, LinkShape shape) {
        long due = Math.max(earliestNanos + shape.drawDelay(random), lastDue);
        if (shape.lossProbability() > 0 && random.nextDouble() < shape.lossProbability()) {
            due += TCP_RTO_MIN.toNanos();
        }
        lastDue = due;
        return due;
    }

    /** Forgets the chunks ahead: what comes next is not held behind them (the link was healed). */
    public synchronized void reset() {
        lastDue = Long.MIN_VALUE;
    }
}
