package dev.mysqlsts;

import java.util.Map;

/**
 * What {@link MySqlCluster#promote(int)} did.
 *
 * <pre>{@code assertEquals(Map.of(), cluster.promote(1).missingOnNewLeader());}</pre>
 *
 * @param newLeader          the ordinal that is now the replication source
 * @param missingOnNewLeader per pod name, the transactions (MariaDB GTIDs) that pod had applied and the new
 *                           source lacks: they are lost for the new topology, and that pod cannot replicate
 *                           until someone decides what to do with them; empty when no pod is ahead
 */
public record Promotion(int newLeader, Map<String, String> missingOnNewLeader) {

    public Promotion {
        missingOnNewLeader = Map.copyOf(missingOnNewLeader);
    }
}
