package dev.mysqlsts.cluster;

import static org.apiguardian.api.API.Status.INTERNAL;

import dev.mysqlsts.ChaosOptions;
import dev.mysqlsts.Ledger;
import dev.mysqlsts.MySqlCluster;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.BiConsumer;
import org.apiguardian.api.API;

/**
 * What the cluster asks of the chaos side ({@code dev.mysqlsts.chaos}, which depends on this package, not the
 * reverse): the ledger, the fault schedule and its seed. The JUnit extension wires the chaos side in.
 */
@API(status = INTERNAL)
public interface ChaosHooks {

    /** For a cluster made without the chaos side: a ledger and a schedule are refused with the reason. */
    ChaosHooks NONE = new ChaosHooks() {
        @Override
        public Ledger ledger(MySqlCluster cluster) {
            throw refused("ledger()");
        }

        @Override
        public void schedule(MySqlCluster cluster, long seed, Duration length, ChaosOptions options,
                             BiConsumer<String, List<Integer>> lift) {
            throw refused("faults().schedule(" + seed + ", " + length + ")");
        }

        @Override
        public Optional<String> replay(MySqlCluster cluster) {
            return Optional.empty();
        }

        private IllegalStateException refused(String call) {
            return new IllegalStateException("cluster." + call + ": this cluster was made without the chaos side; use "
                    + "the cluster the JUnit extension injects (@MySqlStatefulSet)");
        }
    };

    /** The ledger of the cluster's current test method. */
    Ledger ledger(MySqlCluster cluster);

    /**
     * Starts the schedule of {@code seed} drawn as the options say; {@code lift} undoes one of its cuts or client faults
     * and keeps every other fault.
     */
    void schedule(MySqlCluster cluster, long seed, Duration length, ChaosOptions options,
                  BiConsumer<String, List<Integer>> lift);

    /**
     * The seed of the schedule that ran in the cluster's current test, if one did, and how to replay it: for example
     * {@code 42\n(replay it: -Dmysqlsts.chaos.seed=42)}.
     */
    Optional<String> replay(MySqlCluster cluster);
}
