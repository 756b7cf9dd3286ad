package dev.mysqlsts.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The shaping of a link's direction, offline and deterministic (a seeded Random, times given): jitter within its
 * bounds and in order, a loss stall of one TCP_RTO_MIN as often as the probability says, and a token bucket that
 * never lets more through than its rate and burst.
 */
class LinkShapingTest {

    private static final long MS = 1_000_000;
    private static final long RTO = ChunkSchedule.TCP_RTO_MIN.toNanos();

    @Test
    void linuxsMinimumRetransmissionTimeoutIs200Ms() {
        assertEquals(200 * MS, RTO, "TCP_RTO_MIN is HZ/5 jiffies (include/net/tcp.h)");
    }

    @Test
    void jitterSpreadsEachChunkUniformlyOverDelayPlusOrMinusJitter() {
        LinkShape shape = new LinkShape(100 * MS, 80 * MS, 0, List.of());
        Random random = new Random(7);
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        int low = 0;
        for (int i = 0; i < 10_000; i++) {
            long delay = shape.drawDelay(random);
            min = Math.min(min, delay);
            max = Math.max(max, delay);
            if (delay < 100 * MS) {
                low++;
            }
        }
        assertTrue(min >= 20 * MS && min < 22 * MS, "min " + min);
        assertTrue(max <= 180 * MS && max > 178 * MS, "max " + max);
        assertTrue(low > 4_700 && low < 5_300, "half below the delay, as a uniform draw: " + low);
    }

    @Test
    void aChunkThatDrewAShorterDelayWaitsForTheOneAheadOfIt() {
        LinkShape shape = new LinkShape(100 * MS, 100 * MS, 0, List.of());
        ChunkSchedule schedule = new ChunkSchedule(new Random(1));
        long previous = Long.MIN_VALUE;
        int heldBack = 0;
        for (int i = 0; i < 1_000; i++) {
            long read = i * MS; // a chunk a millisecond
            long due = schedule.due(read, shape);
            assertTrue(due >= previous, "chunk " + i + " due before the one ahead of it: bytes out of order");
            assertTrue(due >= read, "no chunk leaves before it was read");
            if (due == previous) {
                heldBack++;
            }
            previous = due;
        }
        assertTrue(heldBack > 100, "with 200 ms of spread and a chunk a millisecond, many wait: " + heldBack);
    }

    @Test
    void aLostChunkStallsTheDirectionForOneRtoAndEverythingBehindItWaits() {
        LinkShape lossy = new LinkShape(0, 0, 0.3, List.of());
        ChunkSchedule schedule = new ChunkSchedule(new Random(42));
        int chunks = 10_000;
        long last = 0;
        for (int i = 0; i < chunks; i++) {
            last = schedule.due(0, lossy); // all read at once: the stalls add up, as on one TCP stream
        }
        long stalls = last / RTO;
        assertEquals(0, last % RTO, "each stall is exactly one TCP_RTO_MIN");
        assertTrue(stalls > 2_850 && stalls < 3_150, "30% of 10000 chunks stalled: " + stalls);
    }

    @Test
    void aCleanShapeAddsNothing() {
        ChunkSchedule schedule = new ChunkSchedule(new Random(3));
        assertEquals(5 * MS, schedule.due(5 * MS, LinkShape.CLEAR));
        assertEquals(7 * MS, schedule.due(7 * MS, LinkShape.CLEAR));
        assertTrue(LinkShape.CLEAR.isClear());
    }

    @Test
    void aResetScheduleNoLongerHoldsChunksBehindTheStalledOnes() {
        ChunkSchedule schedule = new ChunkSchedule(new Random(4));
        LinkShape alwaysLost = new LinkShape(0, 0, 0.999_999, List.of());
        assertEquals(RTO, schedule.due(0, alwaysLost));
        assertEquals(2 * RTO, schedule.due(0, alwaysLost));
        schedule.reset();
        assertEquals(MS, schedule.due(MS, LinkShape.CLEAR), "healed: the next chunk goes when read");
    }

    @Test
    void theSameSeedGivesTheSameSchedule() {
        LinkShape shape = new LinkShape(50 * MS, 40 * MS, 0.2, List.of());
        ChunkSchedule a = new ChunkSchedule(new Random(99));
        ChunkSchedule b = new ChunkSchedule(new Random(99));
        for (int i = 0; i < 100; i++) {
            assertEquals(a.due(i * MS, shape), b.due(i * MS, shape));
        }
    }

    @Test
    void aTokenBucketLetsABurstThroughThenPacesToItsRate() {
        TokenBucket bucket = new TokenBucket(100_000); // 100 KB/s: a burst of 2000 bytes (20 ms)
        assertEquals(2_000, bucket.slice(16 * 1024));
        assertEquals(0, bucket.reserve(0, 2_000), "it starts full");
        assertEquals(10 * MS, bucket.reserve(0, 1_000), "1000 bytes more wait 10 ms");
        assertEquals(20 * MS, bucket.reserve(0, 1_000), "and the next 1000 another 10 ms: a debt is paid in order");
        assertEquals(0, bucket.reserve(20 * MS, 0), "paid off at 20 ms");
    }

    @Test
    void aTokenBucketNeverCarriesMoreThanItsRateTimesTheTimePlusOneBurst() {
        long rate = 256 * 1024;
        TokenBucket bucket = new TokenBucket(rate);
        Random random = new Random(5);
        long now = 0;
        long sent = 0;
        int remaining = 5 * 1024 * 1024;
        while (remaining > 0) {
            int slice = bucket.slice(Math.min(remaining, 1 + random.nextInt(16 * 1024)));
            now += bucket.reserve(now, slice);
            sent += slice;
            remaining -= slice;
            assertTrue(sent <= rate * now / 1e9 + rate * TokenBucket.BURST_MILLIS / 1000 + 1,
                    sent + " bytes by " + now + " ns");
            now += random.nextInt(2) * MS; // the writer is sometimes late
        }
        double seconds = now / 1e9;
        assertTrue(seconds >= (5 * 1024 * 1024 - rate / 50) / (double) rate, "5 MB took " + seconds + " s");
    }

    @Test
    void twoWritersSharingABucketGetItsRateTogether() {
        TokenBucket shared = new TokenBucket(50_000);
        long a = 0;
        long b = 0;
        for (int i = 0; i < 100; i++) {
            a = Math.max(a, shared.reserve(0, 1_000));
            b = Math.max(b, shared.reserve(0, 1_000));
        }
        assertTrue(Math.max(a, b) >= (200_000 - 1_000) * 1_000_000_000L / 50_000 - MS,
                "200 KB through a 50 KB/s bucket take about 4 s, whoever sends them: " + Math.max(a, b));
    }
}
