package dev.mysqlsts.chaos;

import dev.mysqlsts.Faults;
import java.util.List;

/** What a {@link ChaosKind} injects and undoes through, given by the running {@link ChaosSchedule}. */
interface ChaosRun {

    /** The public fault API: every fault goes into the history and is healed like the test's own. */
    Faults faults();

    /** Undoes one fault of the schedule that the Faults API can only undo with every other (a cut, a client fault). */
    void lift(String kind, List<Integer> pods);

    /**
     * Waits, bounded, until the crashed pods are Ready again (the kubelet restarts them).
     *
     * @return whether they are (false also when the test ends first)
     */
    boolean awaitReady(List<Integer> pods);

    /**
     * Whether the pod's replication answers: true for the leader, false for a follower whose SHOW SLAVE STATUS does
     * not answer within its statement timeout (its replication threads hold their locks).
     */
    boolean replicationAnswers(int pod);

    /** Crashes the leader, then calls the test's fail-over code with the cluster. */
    void failover(int leader);
}
