package dev.mysqlsts.faults;

import static org.apiguardian.api.API.Status.INTERNAL;

import dev.mysqlsts.ChaosOptions;
import java.time.Duration;
import java.util.List;
import java.util.function.BiConsumer;
import org.apiguardian.api.API;

/**
 * Starts a fault schedule ({@link dev.mysqlsts.Faults#schedule}): wired in by the cluster from
 * {@code dev.mysqlsts.chaos}, which depends on this package, so that the faults never reach the chaos side.
 */
@API(status = INTERNAL)
@FunctionalInterface
public interface ScheduleRunner {

    /**
     * Starts the schedule of {@code seed} over {@code length}, drawn as the options say, replacing one that runs.
     *
     * @param lift undoes one cut (isolate, partition, cut) or client-path fault of the schedule, given its kind and
     *             pods, and keeps every other fault in force (the Faults API has no single call for it but heal)
     */
    void start(long seed, Duration length, ChaosOptions options, BiConsumer<String, List<Integer>> lift);
}
