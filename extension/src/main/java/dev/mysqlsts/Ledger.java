package dev.mysqlsts;

/**
 * A write workload whose every operation is recorded with its outcome, and the checker that says what a chaos
 * experiment cost: acknowledged writes lost, transactions applied twice, pods that diverged. Injected as a test
 * parameter (one per test method) or taken from {@link MySqlCluster#ledger()}.
 *
 * <pre>{@code
 * ledger.start(4);
 * faults.isolate(0);
 * cluster.promote(1);
 * LedgerReport report = ledger.stop();
 * assertFalse(report.lost().isEmpty(), "asynchronous fail-over loses acknowledged writes");
 * }</pre>
 */
public interface Ledger {

    /**
     * Starts {@code clients} threads that insert unique ids (and bump a counter row) on the current leader as
     * fast as it accepts them, following the leader across {@link MySqlCluster#promote(int)}. Its tables (schema
     * {@code mysqlsts_ledger}) have reached every follower that no fault cuts off when this returns (waited for 10 s
     * at most).
     */
    void start(int clients);

    /**
     * Stops the clients, waits (bounded: 30 s, or 30 s past MariaDB's once-a-minute retry for a follower whose
     * {@code disk-full} ended less than a minute ago) for the followers to catch up, reads the ledger's table on every
     * pod and returns the verdict.
     */
    LedgerReport stop();
}
