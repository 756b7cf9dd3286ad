package dev.mysqlsts.backend;

import static org.apiguardian.api.API.Status.INTERNAL;

import java.util.List;
import java.util.random.RandomGenerator;
import org.apiguardian.api.API;

/**
 * What one direction of a link suffers besides a cut: a delay of {@code delayNanos} plus a random
 * {@code -jitterNanos..+jitterNanos} (uniform) per chunk, a chance per chunk that a TCP segment of it was lost
 * ({@link ChunkSchedule} turns that into a stall), and the bandwidth limits it passes through (one
 * {@link TokenBucket} per limit: the sender's egress, the receiver's ingress).
 *
 * @param delayNanos      the fixed part of the delay
 * @param jitterNanos     the random part: each chunk gets delay + uniform(-jitter, +jitter), never below 0
 * @param lossProbability the chance, 0..1, that a chunk stalls for a retransmission
 * @param buckets         the bandwidth limits the bytes pass through, in order; empty: unlimited
 */
@API(status = INTERNAL)
public record LinkShape(long delayNanos, long jitterNanos, double lossProbability, List<TokenBucket> buckets) {

    public static final LinkShape CLEAR = new LinkShape(0, 0, 0, List.of());

    public LinkShape {
        if (delayNanos < 0 || jitterNanos < 0 || !(lossProbability >= 0 && lossProbability <= 1)) {
            throw new IllegalArgumentException("delay " + delayNanos + " ns, jitter " + jitterNanos + " ns, loss "
                    + lossProbability);
        }
        buckets = List.copyOf(buckets);
    }

    /** Nothing to do: no delay, no jitter, no loss, no limit. */
    public boolean isClear() {
        return delayNanos == 0 && jitterNanos == 0 && lossProbability == 0 && buckets.isEmpty();
    }

    /** The delay of the next chunk, its jitter drawn from {@code random}. */
    public long drawDelay(RandomGenerator random) {
        return drawDelay(random, delayNanos, jitterNanos);
    }

    /** {@code delay} plus a uniform draw in {@code -jitter..+jitter}, never below 0. */
    public static long drawDelay(RandomGenerator random, long delayNanos, long jitterNanos) {
        long jitter = jitterNanos == 0 ? 0 : random.nextLong(-jitterNanos, jitterNanos + 1);
        return Math.max(0, delayNanos + jitter);
    }
}
