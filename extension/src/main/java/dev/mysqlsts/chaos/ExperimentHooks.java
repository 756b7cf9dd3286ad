package dev.mysqlsts.chaos;

import dev.mysqlsts.ChaosOptions;
import dev.mysqlsts.Ledger;
import dev.mysqlsts.MySqlCluster;
import dev.mysqlsts.cluster.ChaosHooks;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.BiConsumer;
import org.apiguardian.api.API;

/** The chaos side as the cluster reaches it: each call goes to the cluster's {@link Experiment}. */
@API(status = API.Status.INTERNAL)
public final class ExperimentHooks implements ChaosHooks {

    /** The one instance: the experiments are kept per cluster by {@link Experiment#of}. */
    public static final ChaosHooks INSTANCE = new ExperimentHooks();

    private ExperimentHooks() {
    }

    @Override
    public Ledger ledger(MySqlCluster cluster) {
        return Experiment.of(cluster).ledger();
    }

    @Override
    public void schedule(MySqlCluster cluster, long seed, Duration length, ChaosOptions options,
                         BiConsumer<String, List<Integer>> lift) {
        Experiment.of(cluster).schedule(seed, length, options, lift);
    }

    @Override
    public Optional<String> replay(MySqlCluster cluster) {
        var seed = Experiment.of(cluster).seed();
        return seed.isPresent() ? Optional.of(seed.getAsLong() + "\n(replay it: -D" + Experiment.SEED_PROPERTY + "="
                + seed.getAsLong() + ")") : Optional.empty();
    }
}
