package dev.mysqlsts.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mysqlsts.FaultEvent;
import dev.mysqlsts.chaos.Operation.Outcome;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The checker's rules, without a server: what the report says for given operations, samples and pod contents (lost,
 * phantom, duplicated, divergent writes, split brain, reads going back), staleness, unavailability, cut-off followers,
 * errant GTIDs.
 */
class CheckerRulesTest {

    private static Operation ack(long id, long invoked, long completed) {
        return new Operation(id, 0, 0, invoked, completed, Outcome.ACKNOWLEDGED);
    }

    private static Operation op(long id, Outcome outcome) {
        return new Operation(id, 0, 0, id, id + 1, outcome);
    }

    /** One row per id and a counter that matches, as an undisturbed pod holds them. */
    private static LedgerTable.Contents rows(long... ids) {
        Map<Long, Integer> held = new java.util.HashMap<>();
        for (long id : ids) {
            held.merge(id, 1, Integer::sum);
        }
        return new LedgerTable.Contents(held, held.size());
    }

    /** The report of a 3-pod cluster led by mysql-0. */
    private static Verdict report(List<Operation> ops, List<Sample> samples, LedgerTable.Contents onLeader,
            Map<String, LedgerTable.Contents> onFollowers) {
        return new Verdict(Checker.judge(ops, samples, 0, 10, new Checker.Holdings("mysql-0", onLeader, onFollowers,
                3, ordinal -> "mysql-" + ordinal)));
    }

    @Test
    void anAcknowledgedWriteMissingOnTheLeaderIsLostAndAFailedOneItHoldsIsAPhantom() {
        List<Operation> ops = List.of(op(1, Outcome.ACKNOWLEDGED), op(2, Outcome.ACKNOWLEDGED),
                op(3, Outcome.ACKNOWLEDGED), op(4, Outcome.FAILED), op(5, Outcome.FAILED), op(6, Outcome.UNKNOWN));
        Verdict report = report(ops, List.of(), rows(1, 3, 5, 6), Map.of());
        assertEquals(Set.of(2L), report.lost());
        assertEquals(Set.of(5L), report.phantoms(), "5 failed yet the leader holds it; 4 failed and is absent");
        assertEquals(3, report.acknowledged());
        assertEquals(2, report.failed());
        assertEquals(1, report.unknown(), "6 may or may not have committed: neither lost nor phantom");
        AssertionError error = assertThrows(AssertionError.class, report::assertNoAcknowledgedWriteLost);
        assertTrue(error.getMessage().startsWith("1 acknowledged write is missing on the leader mysql-0"),
                error.getMessage());

        Verdict clean = report(ops, List.of(), rows(1, 2, 3, 6), Map.of());
        assertEquals(Set.of(), clean.lost());
        assertEquals(Set.of(), clean.phantoms());
        clean.assertNoAcknowledgedWriteLost();
    }

    @Test
    void extraRowsOrAnOverCountedCounterAreDuplicatesOnThePodThatHoldsThem() {
        List<Operation> ops = List.of(op(1, Outcome.ACKNOWLEDGED), op(2, Outcome.ACKNOWLEDGED));
        LedgerTable.Contents twoRowsForId2 = new LedgerTable.Contents(Map.of(1L, 1, 2L, 2), 2);
        LedgerTable.Contents counterAhead = new LedgerTable.Contents(Map.of(1L, 1, 2L, 1), 4);
        Verdict report = report(ops, List.of(), twoRowsForId2, Map.of("mysql-1", counterAhead, "mysql-2", rows(1, 2)));
        assertEquals(Map.of("mysql-0", 1L, "mysql-1", 2L), report.duplicated());
    }

    /**
     * A follower that stopped replicating misses tens of thousands of ids: the report keeps every one of them, but its
     * text (and so JUnit's message for {@code assertEquals(Map.of(), report.divergent())}) gives the count, the first
     * and last id and the ranges instead of every number.
     */
    @Test
    void largeIdSetsAreKeptWholeAndSummarisedInText() {
        long[] leaderIds = java.util.stream.LongStream.rangeClosed(1, 60_000).toArray();
        long[] followerIds = java.util.stream.LongStream.rangeClosed(1, 60_000)
                .filter(id -> id <= 5_000 || (id > 5_010 && id <= 6_000)).toArray();
        List<Operation> ops = java.util.Arrays.stream(leaderIds).mapToObj(id -> op(id, Outcome.ACKNOWLEDGED)).toList();
        Verdict report = report(ops, List.of(), rows(leaderIds), Map.of("mysql-1", rows(followerIds)));

        Set<Long> missing = report.divergent().get("mysql-1");
        assertEquals(10 + 54_000, missing.size());
        assertTrue(missing.contains(5_001L) && missing.contains(60_000L) && !missing.contains(5_011L));
        assertEquals("54010 ids, 5001..60000 in 2 ranges: 5001..5010, 6001..60000", missing.toString());
        assertEquals("{mysql-1=54010 ids, 5001..60000 in 2 ranges: 5001..5010, 6001..60000}",
                report.divergent().toString());
        assertTrue(report.toString().contains("divergent {mysql-1=54010 ids, 5001..60000 in 2 ranges"),
                report.toString());
        assertTrue(report.toString().length() < 1_000, report.toString());

        Verdict few = report(ops.subList(0, 3), List.of(), rows(1, 2, 3), Map.of("mysql-1", rows(1)));
        assertEquals("[2, 3]", few.divergent().get("mysql-1").toString(), "a few ids are listed as they are");
        assertEquals(Set.of(2L, 3L), few.divergent().get("mysql-1"));
    }

    @Test
    void aFollowerDivergesByTheIdsOnlyOneSideHolds() {
        List<Operation> ops = List.of(op(1, Outcome.ACKNOWLEDGED), op(2, Outcome.ACKNOWLEDGED));
        Verdict report = report(ops, List.of(), rows(1, 2, 3), Map.of("mysql-1", rows(1, 2, 7), "mysql-2", rows(1, 2, 3)));
        assertEquals(Map.of("mysql-1", Set.of(3L, 7L)), report.divergent(), "mysql-1 lacks 3 and holds 7");
    }

    @Test
    void twoWritablePodsInTheSameRoundAreOneSplitBrainUntilTheyStop() {
        List<Sample> samples = List.of(
                new Sample(1, 0, 0, 1000, true, -1), new Sample(1, 1, 0, 1000, false, -1),
                new Sample(2, 0, 0, 2000, true, -1), new Sample(2, 1, 0, 2005, true, -1),
                new Sample(3, 0, 0, 3000, true, -1), new Sample(3, 1, 0, 3000, true, -1),
                new Sample(4, 0, 0, 4000, true, -1), new Sample(4, 1, 0, 4000, false, -1),
                new Sample(5, 0, 0, 5000, true, -1), new Sample(5, 5, 0, 5000, true, -1));
        List<String> split = report(List.of(), samples, rows(), Map.of()).splitBrain();
        assertEquals(List.of(
                "mysql-0, mysql-1 accepted writes at once (@@read_only = 0) at " + time(2000) + " until " + time(3000),
                "mysql-0, pod 5 accepted writes at once (@@read_only = 0) at " + time(5000)), split);
        assertEquals(List.of(), report(List.of(), samples.subList(0, 2), rows(), Map.of()).splitBrain(),
                "one writable pod is no split");
    }

    private static String time(long epochMs) {
        return Verdict.TIME.format(Instant.ofEpochMilli(epochMs));
    }

    @Test
    void stalenessIsTheAgeOfTheFirstAcknowledgedWriteThePodLacks() {
        Staleness staleness = new Staleness(List.of(ack(1, 1000, 1010), ack(2, 2000, 2010), ack(3, 3000, 3010)));
        assertEquals(0, staleness.at(5000, 3000), "holds everything");
        assertEquals(5000 - 2010, staleness.at(5000, 1000), "lacks write 2, acknowledged at 2010");
        assertEquals(0, staleness.at(2005, 1000), "write 2 was not acknowledged yet at 2005");
        assertEquals(5000 - 1010, staleness.at(5000, -1), "holds nothing");
    }

    @Test
    void longestGapCountsFromTheStartAndToTheStop() {
        List<Operation> ops = List.of(ack(1, 0, 1500), ack(2, 0, 1600),
                new Operation(3, 0, 0, 1600, 6000, Outcome.FAILED), ack(4, 0, 9000));
        assertEquals(Duration.ofMillis(9000 - 1600), Checker.longestGap(ops, 1000, 9500));
        assertEquals(Duration.ofMillis(5000), Checker.longestGap(List.of(), 1000, 6000), "nothing acknowledged");
    }

    @Test
    void aFollowerIsCutOffByFaultsOnItsLinkToTheLeaderOnly() {
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        FaultEvent isolate2 = new FaultEvent("isolate", List.of(2), t, null);
        FaultEvent partition01 = new FaultEvent("partition", List.of(0, 1), t, null);
        FaultEvent cut20 = new FaultEvent("cut", List.of(2, 0), t, null);
        FaultEvent latency1 = new FaultEvent("latency", List.of(1), t, null);
        assertTrue(Checker.cutOff(List.of(isolate2), 2, 0).isPresent());
        assertTrue(Checker.cutOff(List.of(isolate2), 1, 0).isEmpty());
        assertTrue(Checker.cutOff(List.of(partition01), 2, 0).isPresent(), "other side");
        assertTrue(Checker.cutOff(List.of(partition01), 1, 0).isEmpty(), "same side");
        assertTrue(Checker.cutOff(List.of(cut20), 2, 0).isPresent());
        assertTrue(Checker.cutOff(List.of(latency1), 1, 0).isEmpty(), "slow is not cut off");
    }

    @Test
    void mariaDbErrantGtidsAreThoseBeyondTheLeadersPerServerState() {
        // the old leader (server 100) wrote 0-100-58..61 after the new leader (101) took over at 0-100-57
        assertEquals(List.of("0-100-58..61"), ErrantTransactions.mariaDbBeyond("0-100-61", "0-100-57,0-101-80"));
        assertEquals(List.of("0-100-58"), ErrantTransactions.mariaDbBeyond("0-100-58", "0-100-57,0-101-80"));
        assertEquals(List.of(), ErrantTransactions.mariaDbBeyond("0-101-75", "0-100-57,0-101-80"), "behind, not errant");
        assertEquals(List.of("1-102-3"), ErrantTransactions.mariaDbBeyond("0-101-75,1-102-3", "0-100-57,0-101-80"));
    }

    @Test
    void aPodWhoseNewestRowGoesBackIsCountedOncePerBackwardRead() {
        List<Sample> samples = List.of(
                new Sample(1, 1, 0, 0, false, 5), new Sample(2, 1, 0, 0, false, 7),
                new Sample(4, 1, 0, 0, false, 6), new Sample(3, 1, 0, 0, false, 7), // read out of order: by round
                new Sample(5, 1, 0, 0, false, 6), new Sample(6, 1, 0, 0, false, 8),
                new Sample(1, 2, 0, 0, false, 3), new Sample(2, 2, 0, 0, false, 3), new Sample(3, 2, 0, 0, false, 4),
                new Sample(1, 3, 0, 0, false, 9), new Sample(2, 3, 0, 0, false, 1)); // mysql-3 was scaled away
        assertEquals(Map.of("mysql-1", 2L), report(List.of(), samples, rows(), Map.of()).nonMonotonicReads(),
                "mysql-1 read 6 after 7 twice; mysql-2 never went back; mysql-3 is gone");
    }
}
