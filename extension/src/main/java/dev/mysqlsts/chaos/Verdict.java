package dev.mysqlsts.chaos;

import dev.mysqlsts.FaultEvent;
import dev.mysqlsts.LedgerReport;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/** The {@link LedgerReport}: counts, checker results and what the assertion message needs. */
final class Verdict implements LedgerReport {

    static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneId.systemDefault());
    private static final int LISTED = 20;

    private final String leader;
    private final long acknowledged;
    private final long failed;
    private final long unknown;
    private final Set<Long> lost;
    private final Set<Long> phantoms;
    private final Map<String, Long> duplicated;
    private final Map<String, Set<Long>> divergent;
    private final Map<String, Duration> maxLag;
    private final Duration longestUnavailability;
    private final List<String> splitBrain;
    private final Map<String, List<String>> errant;
    private final Map<String, Long> nonMonotonic;
    private final Map<String, String> notCaughtUp;
    private final OptionalLong seed;
    private final Map<Long, Operation> acknowledgedById;
    private final Function<Instant, List<FaultEvent>> faultsAt;
    private final Function<Integer, String> podName;

    Verdict(Builder b) {
        this.leader = b.leader;
        this.acknowledged = b.acknowledged;
        this.failed = b.failed;
        this.unknown = b.unknown;
        this.lost = IdSet.of(b.lost);
        this.phantoms = IdSet.of(b.phantoms);
        this.duplicated = Map.copyOf(b.duplicated);
        this.divergent = b.divergent.entrySet().stream()
                .collect(Collectors.toUnmodifiableMap(Map.Entry::getKey, e -> IdSet.of(e.getValue())));
        this.maxLag = Map.copyOf(b.maxLag);
        this.longestUnavailability = b.longestUnavailability;
        this.splitBrain = List.copyOf(b.splitBrain);
        this.errant = Map.copyOf(b.errant);
        this.nonMonotonic = Map.copyOf(b.nonMonotonic);
        this.notCaughtUp = Map.copyOf(b.notCaughtUp);
        this.seed = b.seed;
        this.acknowledgedById = b.acknowledgedById;
        this.faultsAt = b.faultsAt;
        this.podName = b.podName;
    }

    /** Everything a verdict is made of; filled by {@link LedgerWorkload#stop()}. */
    static final class Builder {
        String leader;
        long acknowledged;
        long failed;
        long unknown;
        Set<Long> lost = Set.of();
        Set<Long> phantoms = Set.of();
        Map<String, Long> duplicated = Map.of();
        Map<String, Set<Long>> divergent = Map.of();
        Map<String, Duration> maxLag = Map.of();
        Duration longestUnavailability = Duration.ZERO;
        List<String> splitBrain = List.of();
        Map<String, List<String>> errant = Map.of();
        Map<String, Long> nonMonotonic = Map.of();
        Map<String, String> notCaughtUp = Map.of();
        OptionalLong seed = OptionalLong.empty();
        Map<Long, Operation> acknowledgedById = Map.of();
        Function<Instant, List<FaultEvent>> faultsAt = at -> List.of();
        Function<Integer, String> podName = n -> "pod " + n;
    }

    @Override
    public long acknowledged() {
        return acknowledged;
    }

    @Override
    public long failed() {
        return failed;
    }

    @Override
    public long unknown() {
        return unknown;
    }

    @Override
    public Set<Long> lost() {
        return lost;
    }

    @Override
    public Set<Long> phantoms() {
        return phantoms;
    }

    @Override
    public Map<String, Long> duplicated() {
        return duplicated;
    }

    @Override
    public Map<String, Set<Long>> divergent() {
        return divergent;
    }

    @Override
    public Map<String, Duration> maxLag() {
        return maxLag;
    }

    @Override
    public Duration longestUnavailability() {
        return longestUnavailability;
    }

    @Override
    public List<String> splitBrain() {
        return splitBrain;
    }

    @Override
    public Map<String, List<String>> errantTransactions() {
        return errant;
    }

    @Override
    public Map<String, Long> nonMonotonicReads() {
        return nonMonotonic;
    }

    @Override
    public Map<String, String> notCaughtUp() {
        return notCaughtUp;
    }

    @Override
    public OptionalLong chaosSeed() {
        return seed;
    }

    @Override
    public void assertNoAcknowledgedWriteLost() {
        if (lost.isEmpty()) {
            return;
        }
        StringBuilder message = new StringBuilder().append(lost.size()).append(" acknowledged write")
                .append(lost.size() == 1 ? " is" : "s are").append(" missing on the leader ").append(leader)
                .append(" (").append(counts()).append(")");
        lost.stream().sorted().limit(LISTED).forEach(id -> message.append("\n  ").append(describe(id)));
        if (lost.size() > LISTED) {
            message.append("\n  ... and ").append(lost.size() - LISTED).append(" more");
        }
        seed.ifPresent(s -> message.append("\nchaos seed ").append(s).append(" (replay: -Dmysqlsts.chaos.seed=")
                .append(s).append(')'));
        throw new AssertionError(message.toString());
    }

    private String describe(long id) {
        Operation op = acknowledgedById.get(id);
        if (op == null) {
            return "id " + id;
        }
        Instant at = Instant.ofEpochMilli(op.completed());
        List<FaultEvent> faults = faultsAt.apply(at);
        return "id " + id + " acknowledged at " + TIME.format(at) + " by " + podName.apply(op.pod()) + " (client "
                + op.client() + "); faults in force: " + (faults.isEmpty() ? "none"
                        : faults.stream().map(f -> f.kind() + f.ordinals() + " since " + TIME.format(f.started()))
                                .collect(Collectors.joining(", ")));
    }

    private String counts() {
        return acknowledged + " acknowledged, " + failed + " failed, " + unknown + " unknown";
    }

    /** One paragraph for logs and timelines. */
    String summary() {
        StringBuilder text = new StringBuilder(counts()).append("; leader ").append(leader)
                .append("; lost ").append(lost.size()).append(", phantoms ").append(phantoms.size())
                .append(", duplicated ").append(duplicated.isEmpty() ? "none" : duplicated)
                .append(", divergent ").append(divergent.isEmpty() ? "none" : divergent.entrySet().stream()
                        .map(e -> e.getKey() + "=" + summary(e.getValue()))
                        .collect(Collectors.joining(", ", "{", "}")))
                .append(", longest unavailability ").append(longestUnavailability.toMillis()).append(" ms")
                .append(", max lag ").append(maxLag.entrySet().stream().sorted(Map.Entry.comparingByKey())
                        .map(e -> e.getKey() + "=" + e.getValue().toMillis() + " ms")
                        .collect(Collectors.joining(", ", "{", "}")));
        if (!splitBrain.isEmpty()) {
            text.append(", split brain ").append(splitBrain.size()).append("x (first: ").append(splitBrain.get(0))
                    .append(')');
        }
        if (!errant.isEmpty()) {
            text.append(", errant transactions ").append(errant);
        }
        if (!nonMonotonic.isEmpty()) {
            text.append(", non-monotonic reads ").append(nonMonotonic);
        }
        if (!notCaughtUp.isEmpty()) {
            text.append(", not caught up ").append(notCaughtUp);
        }
        seed.ifPresent(s -> text.append(", chaos seed ").append(s));
        return text.toString();
    }

    /** A divergent set in a few words: its size, and for up to {@value IdSet#LISTED} ids the ids themselves. */
    private static String summary(Set<Long> ids) {
        return ids.size() <= IdSet.LISTED ? ids.size() + " ids " + ids : ids.toString();
    }

    @Override
    public String toString() {
        return "LedgerReport[" + summary() + "]";
    }
}
