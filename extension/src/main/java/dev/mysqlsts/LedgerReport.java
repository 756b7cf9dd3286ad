package dev.mysqlsts;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The verdict of a {@link Ledger}: what every write's outcome was and what the pods hold. The id sets
 * ({@link #lost()}, {@link #phantoms()}, {@link #divergent()}) hold every id; as text (a failed
 * {@code assertEquals(Set.of(), report.lost())} prints it) a set of more than 20 ids reads as its count, first and
 * last id and ranges, for example {@code 54488 ids, 190113..244600 in 1 range}.
 *
 * <pre>{@code ledger.stop().assertNoAcknowledgedWriteLost();}</pre>
 */
public interface LedgerReport {

    /** Writes whose commit returned. */
    long acknowledged();

    /** Writes that failed with a definite error before commit. */
    long failed();

    /** Writes whose connection was lost during commit: they may or may not have happened. */
    long unknown();

    /** Ids acknowledged but missing on the current leader. */
    Set<Long> lost();

    /** Ids that failed definitely but are present on the leader. */
    Set<Long> phantoms();

    /** Per pod name, how many transactions were applied there more than once (only pods with any). */
    Map<String, Long> duplicated();

    /** Per pod name, the ids that differ from the leader's (only pods with any). */
    Map<String, Set<Long>> divergent();

    /** Per follower name, the largest replication lag sampled while the ledger ran. */
    Map<String, Duration> maxLag();

    /**
     * The longest time while the ledger ran in which no write was acknowledged: how long the cluster was unavailable
     * for writes (from the start to the first acknowledgement, between two, and from the last to the stop).
     *
     * <pre>{@code assertTrue(report.longestUnavailability().compareTo(Duration.ofSeconds(30)) < 0);}</pre>
     */
    Duration longestUnavailability();

    /**
     * Moments when two or more pods accepted writes at once (split brain), from {@code @@read_only} sampled on every
     * pod in the same round while the ledger ran, each as text naming the time and the pods; empty when never.
     */
    List<String> splitBrain();

    /**
     * Per follower name, the transactions it has that the leader lacks (errant GTIDs, as the server spells them);
     * only followers with any.
     */
    Map<String, List<String>> errantTransactions();

    /**
     * Per pod name, how many times a read there went back in time: the newest ledger row it showed was older than
     * one it had shown before (monotonic reads, one reader per pod); only pods with any.
     */
    Map<String, Long> nonMonotonicReads();

    /** Followers that had not caught up with the leader when the table was read, with the reason. */
    Map<String, String> notCaughtUp();

    /** The seed of the {@link Faults#schedule(long, Duration)} that ran during the ledger, if one did. */
    OptionalLong chaosSeed();

    /**
     * Fails when an acknowledged write is missing on the leader; the message lists up to 20 lost ids with the
     * faults in force when each was acknowledged.
     */
    void assertNoAcknowledgedWriteLost();
}
