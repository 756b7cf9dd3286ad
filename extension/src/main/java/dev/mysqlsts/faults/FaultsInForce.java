package dev.mysqlsts.faults;

import static org.apiguardian.api.API.Status.INTERNAL;

import dev.mysqlsts.backend.FaultInjector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import org.apiguardian.api.API;

/**
 * The faults in force on one cluster: the test's {@link FaultHistory}, how to make again each fault that
 * {@link FaultInjector#restoreAll()} undoes (so that a schedule can lift one cut and keep the others), the paused
 * pods and the followers whose replication a fault stopped or delayed. A fault the network carries is one
 * {@link #started(String, List, Runnable)} call with the way to make it again; {@link #ended} forgets it.
 * Thread-safe.
 */
@API(status = INTERNAL)
public final class FaultsInForce {

    /** A fault in force that restoreAll undoes, and how to make it again. */
    private record Held(String kind, List<Integer> pods, Runnable remake) {
    }

    private final FaultHistory history = new FaultHistory();
    private final List<Held> held = new ArrayList<>();
    private final Set<Integer> paused = new TreeSet<>();
    private final Set<Integer> replicationStopped = new TreeSet<>();
    private final Map<Integer, Long> replicationDelayed = new TreeMap<>();
    /** Pods whose links lose every packet ({@code loss(n, 100)}): as cut off as an isolated pod. */
    private final Set<Integer> losingEverything = new TreeSet<>();
    private boolean injected;

    /** The faults and markers of the current test method. */
    FaultHistory history() {
        return history;
    }

    /** A fault begins that restoreAll does not undo (or that ends by itself): it is in the history only. */
    void started(String kind, List<Integer> pods) {
        history.started(kind, pods);
    }

    /** Like {@link #started(String, List)}, with what a replay needs beyond its kind (a delay's length: "5 s"). */
    void started(String kind, List<Integer> pods, String detail) {
        history.started(kind, pods, detail);
    }

    /** A fault begins that restoreAll undoes: {@code remake} makes it again after a schedule lifts another. */
    synchronized void started(String kind, List<Integer> pods, Runnable remake) {
        history.started(kind, pods);
        held.add(new Held(kind, List.copyOf(pods), remake));
    }

    /** Ends every fault in force of this kind whose pods match. */
    synchronized void ended(String kind, Predicate<List<Integer>> pods) {
        history.ended(kind, pods);
        held.removeIf(fault -> fault.kind().equals(kind) && pods.test(fault.pods()));
    }

    /** Whether the pod's links lose every packet now (a loss of 100%), or less, or none. */
    synchronized void losesEverything(int ordinal, boolean everything) {
        if (everything) {
            losingEverything.add(ordinal);
        } else {
            losingEverything.remove(ordinal);
        }
    }

    /** A fault was injected: the next repair heals. */
    synchronized void injected() {
        injected = true;
    }

    /** Whether any fault was injected since the last heal. */
    public synchronized boolean hasInjected() {
        return injected || !replicationStopped.isEmpty();
    }

    /** A test method begins: its history starts empty. */
    synchronized void clear() {
        history.clear();
        held.clear();
    }

    synchronized void paused(int ordinal) {
        paused.add(ordinal);
    }

    synchronized Set<Integer> paused() {
        return Set.copyOf(paused);
    }

    /** The pod was thawed, or its server process is gone (a pause of it ended with it). */
    synchronized void resumed(int ordinal) {
        paused.remove(ordinal);
        ended("pause", pods -> pods.contains(ordinal));
    }

    synchronized void replicationStopped(int ordinal, boolean stopped) {
        if (stopped) {
            replicationStopped.add(ordinal);
        } else {
            replicationStopped.remove(ordinal);
        }
    }

    synchronized boolean isReplicationStopped(int ordinal) {
        return replicationStopped.contains(ordinal);
    }

    /** The follower's replication delay, in whole seconds; 0 removes it. */
    synchronized void replicationDelayed(int ordinal, long seconds) {
        if (seconds > 0) {
            injected = true;
            replicationDelayed.put(ordinal, seconds);
        } else {
            replicationDelayed.remove(ordinal);
        }
    }

    /**
     * A promotion re-created replication on every pod: replication stopped by a fault runs again. A replication
     * delay is kept by CHANGE MASTER, so heal() still removes it.
     */
    public synchronized void replicationReconfigured() {
        replicationStopped.clear();
        ended("stopReplication", pods -> true);
    }

    /**
     * A pod was rebuilt: a new server with new replication, with no pause, stopped replication or delay of this
     * cluster in force on it; their history ends too (a schedule waits for its faults to end).
     */
    public synchronized void podRebuilt(int ordinal) {
        replicationStopped.remove(ordinal);
        replicationDelayed.remove(ordinal);
        paused.remove(ordinal);
        for (String kind : List.of("pause", "stopReplication", "delayReplication")) {
            ended(kind, pods -> pods.contains(ordinal));
        }
    }

    /**
     * Whether a fault in force keeps what {@code source} sends from reaching {@code follower}, or freezes either (a
     * loss of 100% on either pod's links included).
     */
    public synchronized boolean cutOff(int source, int follower) {
        return history.cutOff(source, follower) || losingEverything.contains(source)
                || losingEverything.contains(follower);
    }

    /**
     * Whether a fault in force keeps {@code follower} from applying, within {@code drain}, what {@code source} has
     * sent: cut off or frozen, its replication stopped, or delayed by at least {@code drain}.
     */
    public synchronized boolean cannotDrain(int source, int follower, Duration drain) {
        return cutOff(source, follower) || replicationStopped.contains(follower)
                || replicationDelayed.getOrDefault(follower, 0L) >= drain.toSeconds();
    }

    /**
     * restoreAll undid every fault the network carries, and {@code lifted} (kind and pods) ends: every other one is
     * made again, in the order made. The lifted fault is marked ended only then, so the history never shows it ended
     * while the network still cuts, nor the others in force while they are not.
     *
     * @return the faults made again, {@code kind pods}, for the log
     */
    synchronized List<String> remakeAllBut(String kind, List<Integer> pods, PodOrdinals names) {
        List<Held> kept = held.stream().filter(fault -> !(fault.kind().equals(kind) && fault.pods().equals(pods)))
                .toList();
        kept.forEach(fault -> fault.remake().run());
        ended(kind, pods::equals);
        return kept.stream().map(fault -> fault.kind() + " " + names.names(new TreeSet<>(fault.pods()))).toList();
    }

    /** The heal restored the network and the probes: nothing is paused, no fault of the network is held. */
    synchronized void networkRestored() {
        paused.clear();
        held.clear();
        losingEverything.clear();
    }

    /** What heal() undoes by SQL: the followers whose replication a fault stopped or delayed. */
    record StoppedOrDelayed(Set<Integer> stopped, Set<Integer> delayed) {
    }

    /** The followers whose replication the heal must start again or undelay; forgotten here. */
    synchronized StoppedOrDelayed takeReplicationFaults() {
        StoppedOrDelayed taken = new StoppedOrDelayed(Set.copyOf(replicationStopped),
                Set.copyOf(replicationDelayed.keySet()));
        replicationStopped.clear();
        replicationDelayed.clear();
        return taken;
    }

    /** Every fault of the history ended now. */
    void endedAll() {
        history.endedAll();
    }

    /** The heal ended: the next repair need not heal again. */
    synchronized void healed() {
        injected = false;
    }

    /**
     * Why a pod may not answer, from the faults in force on it: for example "mysql-1 is paused since
     * 12:00:01.250 (faults.pause(1)); faults.resume(1) or heal() thaws it". Empty when no such fault is in force.
     */
    Optional<String> whyUnreachable(int ordinal, String pod) {
        return history.whyUnreachable(ordinal, pod);
    }
}
