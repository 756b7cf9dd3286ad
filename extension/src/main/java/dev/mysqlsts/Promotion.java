package dev.mysqlsts;

import java.util.List;
import java.util.Map;

/**
 * What {@link MySqlCluster#promote(int)} did.
 *
 * <pre>{@code
 * Promotion promotion = cluster.promote(1);
 * assertEquals(Map.of(), promotion.missingOnNewLeader());
 * assertEquals(Map.of(), promotion.behindNewLeader());
 * assertEquals(Map.of(), promotion.unreachable());
 * }</pre>
 *
 * @param newLeader          the ordinal that is now the replication source
 * @param missingOnNewLeader per pod name, the transactions (MariaDB GTIDs, one entry per domain as
 *                           {@code domain-server-first..last}) that pod had applied and the new source lacks: they
 *                           are lost for the new topology, and that pod cannot replicate (error 1236) until someone
 *                           decides what to do with them ({@link MySqlCluster#rebuild(int)}); only pods with any
 * @param behindNewLeader    per pod name, the transactions the new source had applied and that pod had not (a
 *                           follower that could not drain before the promotion: stopped, delayed, cut off); the new
 *                           source's binary log begins at the promotion (followers write none), so it cannot send
 *                           them, and that pod cannot replicate (error 1236) until it is rebuilt; only pods with any
 * @param unreachable        per pod name, why the promotion could not reach it (it was not fenced or not pointed at
 *                           the new source); only pods that were unreachable
 */
public record Promotion(int newLeader, Map<String, List<String>> missingOnNewLeader,
                        Map<String, List<String>> behindNewLeader, Map<String, String> unreachable) {

    public Promotion {
        missingOnNewLeader = Map.copyOf(missingOnNewLeader);
        behindNewLeader = Map.copyOf(behindNewLeader);
        unreachable = Map.copyOf(unreachable);
    }
}
