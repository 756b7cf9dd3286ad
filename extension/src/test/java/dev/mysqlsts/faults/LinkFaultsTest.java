package dev.mysqlsts.faults;

import static dev.mysqlsts.faults.Rows.execute;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mysqlsts.FaultEvent;
import dev.mysqlsts.Faults;
import dev.mysqlsts.MySqlCluster;
import dev.mysqlsts.MySqlPod;
import dev.mysqlsts.MySqlStatefulSet;
import dev.mysqlsts.backend.TokenBucket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Imperfect links on real servers: {@code loss}, {@code jitter} and {@code bandwidth} on one follower's links slow
 * what replication brings it, and nothing else: not the other follower (compared in the same run), not the test's
 * own connections to that follower. Every bound asserted is either a ratio between the two followers in the same
 * run or one physics gives (bytes cannot arrive faster than the limit lets them, nor earlier than the least delay).
 */
@MySqlStatefulSet(replicas = 3)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LinkFaultsTest {

    /** A batch of 64 rows of 16 KB: 1 MB on every replication link, at least 64 chunks of the proxy's 16 KB. */
    private static final int ROWS = 64;
    private static final int ROW_BYTES = 16 * 1024;
    private static final long BATCH_BYTES = (long) ROWS * ROW_BYTES;
    /** The loss test's batch: 2 MB, at least 128 chunks. */
    private static final int LOSS_ROWS = 2 * ROWS;
    private static final Map<String, List<FaultEvent>> HISTORIES = new ConcurrentHashMap<>();

    @BeforeAll
    static void schema(MySqlCluster cluster) throws SQLException {
        execute(cluster.leader(), "CREATE DATABASE links",
                "CREATE TABLE links.batch (id INT AUTO_INCREMENT PRIMARY KEY, payload MEDIUMTEXT)");
        cluster.awaitReplicationCaughtUp();
    }

    @Test
    @Order(1)
    void lossOnOneFollowersLinksSlowsWhatReplicationBringsItAndNothingElse(MySqlCluster cluster, Faults faults)
            throws Exception {
        faults.loss(2, 30);

        Map<Integer, Long> millis = batchApplied(cluster, 1, LOSS_ROWS);
        long lossy = millis.get(2);
        long clean = millis.get(1);
        long read = readBatch(cluster.pod(2), LOSS_ROWS);
        System.out.printf("loss(2, 30): 2 MB applied on mysql-1 in %d ms, on mysql-2 in %d ms; the test read it from"
                + " mysql-2 in %d ms%n", clean, lossy, read);

        // 128 chunks or more, each stalled 200 ms with a chance of 30%: about 8 s; fewer than 10 stalls is a chance
        // below 1e-7. The clean follower applies 2 MB in about a second at most, even on a loaded machine.
        assertTrue(lossy >= 10 * 200, "mysql-2 applied 2 MB in " + lossy + " ms: 30% loss stalled it less than 10 times");
        assertTrue(lossy > 3 * clean, "mysql-2 (lossy) took " + lossy + " ms, mysql-1 (clean) " + clean + " ms");
        assertTrue(read * 3 < lossy, "the test's own connection to mysql-2 read 2 MB in " + read + " ms: it is not"
                + " on the lossy links, the replication link took " + lossy + " ms");

        faults.heal();
        Map<Integer, Long> healed = batchApplied(cluster, 2, LOSS_ROWS);
        System.out.printf("healed: 2 MB applied on mysql-1 in %d ms, on mysql-2 in %d ms%n", healed.get(1),
                healed.get(2));
        assertTrue(healed.get(2) * 3 < lossy, "after heal() mysql-2 applied 2 MB in " + healed.get(2) + " ms, as slow"
                + " as with the loss (" + lossy + " ms)");
        HISTORIES.put("loss", faults.history());
        assertEquals(List.of("loss"), faults.history().stream().map(FaultEvent::kind).toList());
        assertTrue(faults.history().get(0).ended() != null, "heal() ended the loss");
    }

    @Test
    @Order(2)
    void jitterOnOneFollowersLinksSpreadsItsApplyDelayAndNotTheOthers(MySqlCluster cluster, Faults faults)
            throws Exception {
        Duration delay = Duration.ofMillis(200);
        Duration jitter = Duration.ofMillis(150);
        faults.jitter(2, delay, jitter);

        List<Long> jittered = new ArrayList<>();
        List<Long> clean = new ArrayList<>();
        for (int i = 0; i < 15; i++) {
            Map<Integer, Long> millis = rowApplied(cluster);
            clean.add(millis.get(1));
            jittered.add(millis.get(2));
        }
        System.out.printf("jitter(2, 200 ms, 150 ms): apply delays on mysql-2 %s ms, on mysql-1 %s ms%n", jittered,
                clean);
        long min = Collections.min(jittered);
        long max = Collections.max(jittered);
        assertTrue(min >= delay.minus(jitter).toMillis(), "a row reached mysql-2 in " + min + " ms, sooner than the"
                + " least delay the jitter allows (50 ms): " + jittered);
        // 15 uniform draws over 300 ms span less than 150 ms with a chance of about 5e-4
        assertTrue(max - min >= 150, "mysql-2's apply delays do not vary: " + jittered);
        assertTrue(Collections.min(clean) < min, "mysql-1 is not on the jittered links: " + clean + " vs " + jittered);
        long roundTrips = roundTrips(cluster.pod(2), 10);
        assertTrue(roundTrips < 10 * 2 * delay.minus(jitter).toMillis(), "10 round trips of the test to mysql-2 took "
                + roundTrips + " ms: as long as 10 through the jittered links would take at the least");

        faults.jitter(2, Duration.ZERO, Duration.ZERO);
        assertTrue(faults.history().get(0).ended() != null, "jitter(2, ZERO, ZERO) ended it");
        HISTORIES.put("jitter", faults.history());
    }

    @Test
    @Order(3)
    void aBandwidthLimitMakesABatchTakeAtLeastItsSizeOverTheRateAndHealRestoresIt(MySqlCluster cluster, Faults faults)
            throws Exception {
        long rate = 256 * 1024;
        faults.bandwidth(2, rate);
        long atLeast = (BATCH_BYTES - rate * TokenBucket.BURST_MILLIS / 1000) * 1000 / rate;

        Map<Integer, Long> millis = batchApplied(cluster, 3, ROWS);
        long read = readBatch(cluster.pod(2), ROWS);
        System.out.printf("bandwidth(2, 256 KB/s): 1 MB applied on mysql-1 in %d ms, on mysql-2 in %d ms (physics: at"
                + " least %d ms); the test read it from mysql-2 in %d ms%n", millis.get(1), millis.get(2), atLeast, read);
        assertTrue(millis.get(2) >= atLeast, "1 MB reached mysql-2 in " + millis.get(2) + " ms through a 256 KB/s"
                + " limit, which needs at least " + atLeast + " ms");
        assertTrue(millis.get(1) * 2 < millis.get(2), "mysql-1 is not limited: " + millis);
        assertTrue(read < atLeast, "the test read 1 MB from mysql-2 in " + read + " ms: its connection is not limited");

        faults.heal();
        Map<Integer, Long> healed = batchApplied(cluster, 4, ROWS);
        System.out.printf("healed: 1 MB applied on mysql-1 in %d ms, on mysql-2 in %d ms%n", healed.get(1),
                healed.get(2));
        assertTrue(healed.get(2) < atLeast, "after heal() 1 MB still took " + healed.get(2) + " ms to reach mysql-2");
        HISTORIES.put("bandwidth", faults.history());
    }

    @Test
    @Order(4)
    void aScheduleThatLiftsItsIsolationLeavesTheTestsBandwidthLimitInForce(MySqlCluster cluster, Faults faults)
            throws Exception {
        long rate = 256 * 1024;
        long atLeast = (BATCH_BYTES - rate * TokenBucket.BURST_MILLIS / 1000) * 1000 / rate;
        faults.bandwidth(2, rate);

        faults.schedule(3, Duration.ofSeconds(4)); // seed 3: isolate(1) 1.2 s after the start, held 1.2 s
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() ->
                faults.history().stream().anyMatch(e -> List.of("isolate", "partition").contains(e.kind())
                        && e.ended() != null));

        Map<Integer, Long> millis = batchApplied(cluster, 5, ROWS);
        System.out.printf("bandwidth(2, 256 KB/s) after a schedule lifted its cut: 1 MB applied on mysql-1 in %d ms,"
                + " on mysql-2 in %d ms (physics: at least %d ms)%n", millis.get(1), millis.get(2), atLeast);
        assertTrue(millis.get(2) >= atLeast, "lifting the schedule's cut lifted the test's bandwidth(2) too: 1 MB"
                + " reached mysql-2 in " + millis.get(2) + " ms");
        FaultEvent bandwidth = faults.history().stream().filter(e -> e.kind().equals("bandwidth")).findFirst()
                .orElseThrow();
        assertEquals(null, bandwidth.ended(), "the history says the limit is still in force");
    }

    @Test
    @Order(5)
    void badArgumentsAreRefusedNamingTheCallAndTheFix(Faults faults) {
        assertEquals("faults.loss(1, 0.0): give the percentage of packets to lose, above 0 and at most 100 (30 loses"
                + " about one packet in three, 100 all of them); heal() removes the loss",
                assertThrows(IllegalArgumentException.class, () -> faults.loss(1, 0)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> faults.loss(1, 100.5));
        assertThrows(IllegalArgumentException.class, () -> faults.loss(1, Double.NaN));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> faults.loss(3, 30)).getMessage()
                .contains("faults.loss(3): no pod with ordinal 3"));
        assertEquals("faults.jitter(1, PT0.05S, PT0.1S): the jitter cannot exceed the delay (a byte cannot arrive"
                + " before it was sent); give a delay of at least 100 ms, or a jitter of at most 50 ms",
                assertThrows(IllegalArgumentException.class,
                        () -> faults.jitter(1, Duration.ofMillis(50), Duration.ofMillis(100))).getMessage());
        assertThrows(IllegalArgumentException.class, () -> faults.jitter(1, Duration.ofMillis(-1), Duration.ZERO));
        assertEquals("faults.bandwidth(2, 0): give a positive number of bytes per second (125000 is one megabit per"
                + " second); heal() removes the limit, faults.isolate(2) cuts the links",
                assertThrows(IllegalArgumentException.class, () -> faults.bandwidth(2, 0)).getMessage());
        assertEquals(List.of(), faults.history(), "nothing was injected");
    }

    @Test
    @Order(6)
    void theTimelinesDrawTheLinkFaults() throws Exception {
        Path dir = Path.of("target", "mysqlsts", LinkFaultsTest.class.getName());
        Map<String, String> files = Map.of(
                "loss", "lossOnOneFollowersLinksSlowsWhatReplicationBringsItAndNothingElse.html",
                "jitter", "jitterOnOneFollowersLinksSpreadsItsApplyDelayAndNotTheOthers.html",
                "bandwidth", "aBandwidthLimitMakesABatchTakeAtLeastItsSizeOverTheRateAndHealRestoresIt.html");
        for (Map.Entry<String, String> file : files.entrySet()) {
            assertTrue(HISTORIES.containsKey(file.getKey()), "the " + file.getKey() + " test ran first");
            String html = Files.readString(dir.resolve(file.getValue()));
            assertTrue(html.contains("data-kind=\"" + file.getKey() + "\" data-pod=\"mysql-2\""),
                    file.getValue() + " has no " + file.getKey() + " band on mysql-2");
            assertTrue(!html.contains("fill=\"#555\""), file.getValue() + " draws " + file.getKey()
                    + " in the grey of an unknown kind");
        }
    }

    /**
     * Commits a batch of {@code rows} rows of 16 KB on the leader; returns, per follower, the milliseconds from the
     * commit until it applied the batch (MASTER_POS_WAIT on the leader's binlog position after the commit).
     */
    private static Map<Integer, Long> batchApplied(MySqlCluster cluster, long seed, int rows) throws Exception {
        Random random = new Random(seed);
        try (Connection leader = cluster.leader().connection()) {
            leader.setAutoCommit(false);
            try (PreparedStatement insert = leader.prepareStatement("INSERT INTO links.batch (payload) VALUES (?)")) {
                for (int i = 0; i < rows; i++) {
                    insert.setString(1, letters(random, ROW_BYTES));
                    insert.executeUpdate();
                }
            }
            leader.commit();
            return appliedSince(cluster, leader, System.nanoTime());
        }
    }

    /** One small row: milliseconds from its commit until each follower applied it. */
    private static Map<Integer, Long> rowApplied(MySqlCluster cluster) throws Exception {
        try (Connection leader = cluster.leader().connection(); Statement sql = leader.createStatement()) {
            sql.execute("INSERT INTO links.batch (payload) VALUES ('one')");
            return appliedSince(cluster, leader, System.nanoTime());
        }
    }

    private static Map<Integer, Long> appliedSince(MySqlCluster cluster, Connection leader, long committed)
            throws Exception {
        String file;
        long position;
        try (Statement sql = leader.createStatement(); ResultSet status = sql.executeQuery("SHOW MASTER STATUS")) {
            status.next();
            file = status.getString(1);
            position = status.getLong(2);
        }
        Map<Integer, CompletableFuture<Long>> waits = new ConcurrentHashMap<>();
        for (int follower : List.of(1, 2)) {
            MySqlPod pod = cluster.pod(follower);
            waits.put(follower, CompletableFuture.supplyAsync(() -> {
                try (Connection connection = pod.connection();
                     PreparedStatement wait = connection.prepareStatement("SELECT MASTER_POS_WAIT(?, ?, 120)")) {
                    wait.setString(1, file);
                    wait.setLong(2, position);
                    try (ResultSet result = wait.executeQuery()) {
                        result.next();
                        long waited = result.getLong(1);
                        if (result.wasNull() || waited < 0) {
                            throw new AssertionError(pod.name() + " did not apply up to " + file + ":" + position
                                    + " within 120 s (MASTER_POS_WAIT answered " + (result.wasNull() ? "NULL" : waited)
                                    + ")");
                        }
                    }
                    return (System.nanoTime() - committed) / 1_000_000;
                } catch (SQLException e) {
                    throw new IllegalStateException(pod.name() + ": " + e.getMessage(), e);
                }
            }));
        }
        return Map.of(1, waits.get(1).get(150, TimeUnit.SECONDS), 2, waits.get(2).get(150, TimeUnit.SECONDS));
    }

    /** Milliseconds the test takes to read the last batch of {@code rows} rows from the pod over its own connection. */
    private static long readBatch(MySqlPod pod, int rows) throws SQLException {
        try (Connection connection = pod.connection(); Statement sql = connection.createStatement()) {
            long started = System.nanoTime();
            long bytes = 0;
            try (ResultSet result = sql.executeQuery("SELECT payload FROM links.batch ORDER BY id DESC LIMIT " + rows)) {
                while (result.next()) {
                    bytes += result.getString(1).length();
                }
            }
            long millis = (System.nanoTime() - started) / 1_000_000;
            assertEquals((long) rows * ROW_BYTES, bytes, "the batch is on " + pod.name());
            return millis;
        }
    }

    /** Milliseconds for {@code n} round trips of the test to the pod. */
    private static long roundTrips(MySqlPod pod, int n) throws SQLException {
        try (Connection connection = pod.connection(); Statement sql = connection.createStatement()) {
            long started = System.nanoTime();
            for (int i = 0; i < n; i++) {
                sql.execute("SELECT 1");
            }
            return (System.nanoTime() - started) / 1_000_000;
        }
    }

    private static String letters(Random random, int length) {
        char[] chars = new char[length];
        for (int i = 0; i < length; i++) {
            chars[i] = (char) ('a' + random.nextInt(26));
        }
        return new String(chars);
    }
}
