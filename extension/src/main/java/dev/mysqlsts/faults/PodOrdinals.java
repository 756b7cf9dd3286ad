package dev.mysqlsts.faults;

import dev.mysqlsts.backend.RunningStatefulSet;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/** The pods a fault names: the check of an ordinal, the pods' names, the other side of a cut. */
final class PodOrdinals {

    private final RunningStatefulSet statefulSet;

    PodOrdinals(RunningStatefulSet statefulSet) {
        this.statefulSet = statefulSet;
    }

    int replicas() {
        return statefulSet.replicas();
    }

    /** Throws, naming the call and the ordinals there are, unless {@code ordinal} names a pod. */
    void check(String fault, int ordinal) {
        int replicas = statefulSet.replicas();
        if (ordinal < 0 || ordinal >= replicas) {
            throw new IllegalArgumentException("faults." + fault + "(" + ordinal + "): no pod with ordinal " + ordinal
                    + "; the StatefulSet " + statefulSet.spec().statefulSetName() + " has " + replicas
                    + " pods, ordinals 0.." + (replicas - 1));
        }
    }

    /** Every pod not in {@code side}. */
    Set<Integer> other(Set<Integer> side) {
        return IntStream.range(0, statefulSet.replicas()).filter(n -> !side.contains(n)).boxed()
                .collect(Collectors.toCollection(TreeSet::new));
    }

    String name(int ordinal) {
        return statefulSet.spec().podName(ordinal);
    }

    String names(Set<Integer> ordinals) {
        return ordinals.stream().map(this::name).collect(Collectors.joining(", "));
    }

    /** The time a log line names, to the millisecond. */
    static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MILLIS);
    }
}
