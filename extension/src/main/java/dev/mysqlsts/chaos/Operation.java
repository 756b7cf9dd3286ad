package dev.mysqlsts.chaos;

/**
 * One write of the ledger: the id it inserted, which client sent it to which pod, when it was invoked and when
 * its outcome was known (epoch milliseconds), and the outcome.
 */
record Operation(long id, int client, int pod, long invoked, long completed, Outcome outcome) {

    /** What a client learned about its write. */
    enum Outcome {
        /** The commit returned. */
        ACKNOWLEDGED,
        /** A definite error before the commit (connect refused, read-only, statement error): not applied. */
        FAILED,
        /** The connection was lost while the commit was under way: it may or may not have been applied. */
        UNKNOWN
    }
}
