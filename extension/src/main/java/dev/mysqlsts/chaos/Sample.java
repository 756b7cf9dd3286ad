package dev.mysqlsts.chaos;

/**
 * What one sampling round saw on one pod while the ledger ran.
 *
 * @param round    the round's number (all pods of a round are asked at the same moment)
 * @param pod      the pod's ordinal
 * @param leader   the ordinal the harness held for the leader in that round
 * @param at       when the answer came (epoch ms)
 * @param writable {@code @@read_only} was 0
 * @param newest   the largest invocation time (epoch ms) of the ledger rows the pod holds; -1 when none
 */
record Sample(long round, int pod, int leader, long at, boolean writable, long newest) {
}
