package dev.mysqlsts.faults;

import static org.apiguardian.api.API.Status.INTERNAL;

import java.time.Duration;
import java.util.function.IntPredicate;
import org.apiguardian.api.API;

/**
 * What the faults need of the cluster they break, so that this package does not depend on
 * {@code dev.mysqlsts.cluster} (which depends on it): who leads now, and a wait for the followers to catch up.
 */
@API(status = INTERNAL)
public interface FaultTarget {

    /** The leader's ordinal now. */
    int leaderOrdinal();

    /** Waits until every follower {@code which} accepts has applied what the leader has; throws AssertionError if not. */
    void awaitReplicationCaughtUp(Duration timeout, IntPredicate which);
}
