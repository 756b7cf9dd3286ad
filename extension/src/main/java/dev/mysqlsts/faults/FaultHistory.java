package dev.mysqlsts.faults;

import static org.apiguardian.api.API.Status.INTERNAL;

import dev.mysqlsts.FaultEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.apiguardian.api.API;

/**
 * What happened to the cluster during one test method: the faults, in the order injected, each with its start
 * and (once undone) its end, and the markers a timeline shows beside them (promotions, rebuilds, repairs).
 * Thread-safe.
 */
@API(status = INTERNAL)
public final class FaultHistory {

    private final List<Entry> faults = new ArrayList<>();
    private final List<FaultEvent> markers = new ArrayList<>();

    private static final class Entry {
        final String kind;
        final List<Integer> ordinals;
        final Instant started;
        Instant ended;

        Entry(String kind, List<Integer> ordinals, Instant started) {
            this.kind = kind;
            this.ordinals = List.copyOf(ordinals);
            this.started = started;
        }

        FaultEvent event() {
            return new FaultEvent(kind, ordinals, started, ended);
        }
    }

    /** Forgets everything: a new test method begins. */
    synchronized void clear() {
        faults.clear();
        markers.clear();
    }

    /** A fault injected now. */
    synchronized void started(String kind, List<Integer> ordinals) {
        faults.add(new Entry(kind, ordinals, Instant.now()));
    }

    /** Ends, now, every fault in force of this kind whose pods match. */
    synchronized void ended(String kind, Predicate<List<Integer>> ordinals) {
        Instant now = Instant.now();
        for (Entry entry : faults) {
            if (entry.ended == null && entry.kind.equals(kind) && ordinals.test(entry.ordinals)) {
                entry.ended = now;
            }
        }
    }

    /** Ends, now, every fault still in force. */
    synchronized void endedAll() {
        Instant now = Instant.now();
        faults.stream().filter(entry -> entry.ended == null).forEach(entry -> entry.ended = now);
    }

    /** Something a timeline marks that is no fault: {@code promote}, {@code rebuild}, {@code repair}. */
    public synchronized void mark(String kind, List<Integer> ordinals, Instant started, Instant ended) {
        markers.add(new FaultEvent(kind, ordinals, started, ended));
    }

    /** The faults, in the order injected. */
    public synchronized List<FaultEvent> faults() {
        return faults.stream().map(Entry::event).toList();
    }

    /** The promotions, rebuilds and repairs, in order. */
    public synchronized List<FaultEvent> markers() {
        return List.copyOf(markers);
    }

    /** The faults in force at {@code instant}. */
    public synchronized List<FaultEvent> inForceAt(Instant instant) {
        return faults().stream().filter(event -> event.inForceAt(instant)).toList();
    }
}
