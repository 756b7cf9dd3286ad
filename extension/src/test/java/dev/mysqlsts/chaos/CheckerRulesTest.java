package dev.mysqlsts.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mysqlsts.FaultEvent;
import dev.mysqlsts.chaos.Operation.Outcome;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The checker's rules that need no server: staleness, unavailability, cut-off followers, errant GTIDs, reads going back. */
class CheckerRulesTest {

    private static Operation ack(long id, long invoked, long completed) {
        return new Operation(id, 0, 0, invoked, completed, Outcome.ACKNOWLEDGED);
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
        assertEquals(java.util.Map.of("mysql-1", 2L),
                Checker.nonMonotonic(samples, 3, ordinal -> "mysql-" + ordinal),
                "mysql-1 read 6 after 7 twice; mysql-2 never went back; mysql-3 is gone");
    }
}
