package dev.mysqlsts.faults;

import static org.apiguardian.api.API.Status.INTERNAL;

import dev.mysqlsts.FaultEvent;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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
        final String detail;
        Instant ended;

        Entry(String kind, List<Integer> ordinals, Instant started, String detail) {
            this.kind = kind;
            this.ordinals = List.copyOf(ordinals);
            this.started = started;
            this.detail = detail;
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

    /** A fault injected now (also a schedule's {@code failover} step). */
    public synchronized void started(String kind, List<Integer> ordinals) {
        started(kind, ordinals, "");
    }

    /** A fault injected now, with what a replay needs beyond its kind (a delay's length: {@code "5 s"}). */
    synchronized void started(String kind, List<Integer> ordinals, String detail) {
        faults.add(new Entry(kind, ordinals, Instant.now(), detail));
    }

    /** The detail of each fault of {@link #faults()}, in the same order ({@code ""} where none was given). */
    public synchronized List<String> details() {
        return faults.stream().map(entry -> entry.detail).toList();
    }

    /** Ends, now, every fault in force of this kind whose pods match. */
    public synchronized void ended(String kind, Predicate<List<Integer>> ordinals) {
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

    /**
     * Why a pod may not answer, from the faults in force on it: for example "mysql-1 is paused since
     * 12:00:01.250 (faults.pause(1)); faults.resume(1) or heal() thaws it". Empty when no such fault is in force.
     */
    Optional<String> whyUnreachable(int ordinal, String pod) {
        List<String> reasons = new ArrayList<>();
        for (FaultEvent event : faults()) {
            if (event.ended() != null || !event.ordinals().contains(ordinal)) {
                continue;
            }
            String since = TIME.format(event.started());
            switch (event.kind()) {
                case "pause" -> reasons.add(pod + " is paused since " + since + " (faults.pause(" + ordinal
                        + ")); faults.resume(" + ordinal + ") or heal() thaws it");
                case "kill", "killAll", "powerCut" -> reasons.add(pod + " was "
                        + (event.kind().equals("powerCut") ? "cut off" : "killed") + " at " + since + " (faults."
                        + event.kind() + (event.kind().equals("kill") ? "(" + ordinal + ")" : "()")
                        + ") and is restarting; cluster.awaitReady() waits for it");
                case "latency" -> reasons.add(pod + " has every byte delayed since " + since
                        + " (faults.latency(" + ordinal + ", ...)); heal() removes it");
                case "breakReadiness" -> reasons.add(pod + " fails its readiness probe since " + since
                        + " (faults.breakReadiness(" + ordinal + "))");
                case "client-blackhole" -> reasons.add("the connections to " + pod + " are blackholed since " + since
                        + " (faults.client(" + ordinal + ").blackhole(): no byte moves either way); heal() ends it");
                case "client-refuse" -> reasons.add("new connections to " + pod + " are refused since " + since
                        + " (faults.client(" + ordinal + ").refuse()); heal() ends it");
                case "clock-skew" -> reasons.add(pod + " has its clock skewed since " + since
                        + " (faults.clockSkew(" + ordinal + ", ...)); heal() puts it back");
                case "disk-full" -> reasons.add(pod + " has a full disk since " + since + " (faults.diskFull("
                        + ordinal + "): its writes wait for space); heal() frees it, and the server resumes at its "
                        + "next retry, within 60 s");
                case "io-errors" -> reasons.add(pod + " has a failing disk since " + since + " (faults.ioErrors("
                        + ordinal + "): writes and fsyncs fail with EIO, the server may crash and restart); heal() "
                        + "ends it");
                case "client-latency" -> reasons.add("the connections to " + pod + " are delayed since " + since
                        + " (faults.client(" + ordinal + ").latency(...)); heal() removes it");
                case "client-bandwidth" -> reasons.add("the connections to " + pod + " are limited in bandwidth since "
                        + since + " (faults.client(" + ordinal + ").bandwidth(...)); heal() removes it");
                default -> {
                }
            }
        }
        return reasons.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", reasons));
    }

    /**
     * The faults in force on the links of either pod that slow what {@code source} sends to {@code follower}: for
     * example "faults in force on the links: loss on mysql-2 since 12:00:01.250 (faults.loss(2, ...)); heal() removes
     * it". These faults never touch the test's own connections, so {@link #whyUnreachable} leaves them out.
     */
    Optional<String> slowLinks(int source, String sourceName, int follower, String followerName) {
        List<String> reasons = new ArrayList<>();
        for (FaultEvent event : faults()) {
            if (event.ended() != null || !List.of("latency", "loss", "jitter", "bandwidth").contains(event.kind())) {
                continue;
            }
            int on = event.ordinals().get(0);
            if (on == source || on == follower) {
                reasons.add(event.kind() + " on " + (on == source ? sourceName : followerName) + " since "
                        + TIME.format(event.started()) + " (faults." + event.kind() + "(" + on + ", ...))");
            }
        }
        return reasons.isEmpty() ? Optional.empty()
                : Optional.of("faults in force on the links: " + String.join(", ", reasons) + "; heal() removes them");
    }

    /**
     * Whether a fault in force keeps what {@code source} sends from reaching {@code follower}, or freezes either:
     * an isolation of either, a partition between them, a cut from source to follower, a pause.
     */
    boolean cutOff(int source, int follower) {
        for (FaultEvent event : faults()) {
            if (event.ended() != null) {
                continue;
            }
            List<Integer> pods = event.ordinals();
            boolean hit = switch (event.kind()) {
                case "isolate", "pause" -> pods.contains(source) || pods.contains(follower);
                case "partition" -> pods.contains(source) != pods.contains(follower);
                case "cut" -> pods.equals(List.of(source, follower));
                default -> false;
            };
            if (hit) {
                return true;
            }
        }
        return false;
    }

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneId.systemDefault());
}
