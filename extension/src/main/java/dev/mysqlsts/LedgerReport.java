package dev.mysqlsts;

import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * The verdict of a {@link Ledger}: what every write's outcome was and what the pods hold.
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
     * Fails when an acknowledged write is missing on the leader; the message lists up to 20 lost ids with the
     * faults in force when each was acknowledged.
     */
    void assertNoAcknowledgedWriteLost();
}
