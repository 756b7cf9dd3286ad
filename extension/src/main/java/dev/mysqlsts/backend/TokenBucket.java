package dev.mysqlsts.backend;

import static org.apiguardian.api.API.Status.INTERNAL;

import org.apiguardian.api.API;

/**
 * A bandwidth limit as a token bucket: tokens (bytes) accrue at {@code bytesPerSecond} up to a burst of
 * {@value #BURST_MILLIS} ms worth, and a slice of bytes may leave once the bucket holds as many tokens. The bucket
 * starts full. Several writers may share one (the directions of every link of one pod): each reservation takes its
 * tokens at once, so the one behind waits longer, and together they never exceed the rate. Time is given by the
 * caller ({@link System#nanoTime()}), which makes it deterministic to test.
 */
@API(status = INTERNAL)
public final class TokenBucket {

    /** The burst a bucket holds: what {@value} ms of the rate carry. */
    public static final int BURST_MILLIS = 20;

    private final long bytesPerSecond;
    private final long burst;
    private double tokens;
    private long last;
    private boolean started;

    public TokenBucket(long bytesPerSecond) {
        if (bytesPerSecond <= 0) {
            throw new IllegalArgumentException("a bandwidth must be positive: " + bytesPerSecond + " bytes/s");
        }
        this.bytesPerSecond = bytesPerSecond;
        this.burst = Math.max(1, bytesPerSecond * BURST_MILLIS / 1000);
    }

    public long bytesPerSecond() {
        return bytesPerSecond;
    }

    /** The largest slice of {@code remaining} bytes to reserve at once: at most a burst, at least one byte. */
    public int slice(int remaining) {
        return (int) Math.max(1, Math.min(remaining, burst));
    }

    /**
     * Takes {@code bytes} tokens at {@code nowNanos}; returns how long to wait before sending them (0: at once).
     * The bucket may go into debt: the next reservation waits for the debt to be paid too.
     */
    public synchronized long reserve(long nowNanos, int bytes) {
        if (!started) {
            started = true;
            last = nowNanos;
            tokens = burst;
        } else if (nowNanos > last) {
            tokens = Math.min(burst, tokens + (nowNanos - last) * (double) bytesPerSecond / 1e9);
            last = nowNanos;
        }
        tokens -= bytes;
        return tokens >= 0 ? 0 : (long) Math.ceil(-tokens * 1e9 / bytesPerSecond);
    }

    @Override
    public String toString() {
        return "TokenBucket[" + bytesPerSecond + " bytes/s, burst " + burst + " bytes]";
    }
}
