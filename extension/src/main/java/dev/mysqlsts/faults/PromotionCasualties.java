package dev.mysqlsts.faults;

import static org.apiguardian.api.API.Status.INTERNAL;

import dev.mysqlsts.Promotion;
import dev.mysqlsts.backend.RunningStatefulSet;
import java.util.Set;
import java.util.TreeSet;
import org.apiguardian.api.API;

/**
 * The pods a promotion of the current test reported as holding transactions the new source lacks or cannot send,
 * or could not reach: they cannot follow the new source, which is the promotion's finding, not a failure of the
 * test; heal() leaves them out of its catch-up and the harness rebuilds them after the test. Thread-safe.
 */
@API(status = INTERNAL)
public final class PromotionCasualties {

    private final RunningStatefulSet statefulSet;
    private final Set<Integer> casualties = new TreeSet<>();

    PromotionCasualties(RunningStatefulSet statefulSet) {
        this.statefulSet = statefulSet;
    }

    /** The pods {@code promotion} reported are casualties until rebuilt or the test ends. */
    public synchronized void promoted(Promotion promotion) {
        for (int ordinal = 0; ordinal < statefulSet.replicas(); ordinal++) {
            String name = statefulSet.spec().podName(ordinal);
            if (promotion.missingOnNewLeader().containsKey(name) || promotion.behindNewLeader().containsKey(name)
                    || promotion.unreachable().containsKey(name)) {
                casualties.add(ordinal);
            }
        }
    }

    /** The pods a promotion of the current test left unable to follow the new source. */
    public synchronized Set<Integer> get() {
        return Set.copyOf(casualties);
    }

    /** A pod was rebuilt: it follows the new source. */
    public synchronized void rebuilt(int ordinal) {
        casualties.remove(ordinal);
    }

    /** A test method begins. */
    synchronized void clear() {
        casualties.clear();
    }
}
