package dev.mysqlsts.chaos;

import dev.mysqlsts.FaultEvent;
import dev.mysqlsts.MySqlCluster;
import dev.mysqlsts.MySqlPod;
import dev.mysqlsts.ReplicaStatus;
import dev.mysqlsts.backend.PodEndpoint;
import dev.mysqlsts.chaos.Operation.Outcome;
import dev.mysqlsts.faults.FaultHistory;
import dev.mysqlsts.statements.StatementLog;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.IntFunction;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ledger's checker: waits (bounded) for the followers to hold what the leader holds, reads the ledger's table on
 * every pod and compares it with what the clients were told.
 */
final class Checker {

    private static final Logger LOG = LoggerFactory.getLogger(Checker.class);
    /** How long stop() waits for followers to catch up before it reports whatever the pods hold. */
    static final Duration CATCH_UP = Duration.ofSeconds(30);
    /** How long the leader is retried for the final read when it does not answer (restarting after a crash). */
    private static final Duration READ_RETRY = Duration.ofSeconds(15);
    /** The same for a follower, which the verdict can do without. */
    private static final Duration FOLLOWER_READ_RETRY = Duration.ofSeconds(5);
    private static final long POLL_MS = 200;
    /**
     * How long a follower's replication must stay stopped before the verdict says so: longer than a restarted server
     * takes to start its replication threads, or a fail-over between its STOP SLAVE and START SLAVE.
     */
    private static final Duration STOPPED_SETTLE = Duration.ofSeconds(5);
    /**
     * MariaDB retries a write that found the disk full once a minute (mysys/my_write.c, wait_for_free_space: sleep of
     * MY_WAIT_FOR_USER_TO_FIX_PANIC, 60 s): a follower whose disk-full ended less than that ago may still wait for it.
     */
    static final Duration DISK_FULL_RETRY = Duration.ofSeconds(60);

    private final MySqlCluster cluster;
    private final FaultHistory history;

    Checker(MySqlCluster cluster, FaultHistory history) {
        this.cluster = cluster;
        this.history = history;
    }

    Verdict check(List<Operation> ops, List<Sample> samples, long started, long stopped, OptionalLong seed) {
        MySqlPod leader = cluster.leader();
        Map<String, String> notCaughtUp = awaitFollowers(leader, read(leader, true).orElseThrow());
        LedgerTable.Contents onLeader = read(leader, true).orElseThrow();

        Map<String, LedgerTable.Contents> onFollowers = new LinkedHashMap<>();
        Map<String, List<String>> errant = new TreeMap<>();
        String leaderGtids = gtidState(leader);
        for (MySqlPod follower : cluster.followers()) {
            Optional<LedgerTable.Contents> contents = read(follower, false);
            if (contents.isEmpty()) {
                notCaughtUp.putIfAbsent(follower.name(), "its table could not be read");
                continue;
            }
            onFollowers.put(follower.name(), contents.get());
            if (leaderGtids != null) {
                List<String> beyond = errant(follower, leaderGtids);
                if (!beyond.isEmpty()) {
                    errant.put(follower.name(), beyond);
                }
            }
        }
        Verdict.Builder b = judge(ops, samples, started, stopped,
                new Holdings(leader.name(), onLeader, onFollowers, cluster.replicas(), n -> cluster.pod(n).name()));
        b.seed = seed;
        b.faultsAt = history::inForceAt;
        b.podName = n -> n < 0 ? "(no pod)" : cluster.pod(n).name();
        b.errant = errant;
        b.notCaughtUp = notCaughtUp;
        return new Verdict(b);
    }

    /**
     * What the pods held at the end: the leader's ledger table, each follower's that could be read (by pod name), and
     * how many pods the cluster has now with their names (samples of pods scaled away are left out).
     */
    record Holdings(String leader, LedgerTable.Contents onLeader, Map<String, LedgerTable.Contents> onFollowers,
            int replicas, IntFunction<String> podName) {
    }

    /** The checker's rules over what the clients were told, what the samplers saw and what the pods hold: no server. */
    static Verdict.Builder judge(List<Operation> ops, List<Sample> samples, long started, long stopped, Holdings held) {
        Verdict.Builder b = new Verdict.Builder();
        b.leader = held.leader();
        Set<Long> acknowledged = new HashSet<>();
        Set<Long> failed = new HashSet<>();
        Map<Long, Operation> ackById = new HashMap<>();
        for (Operation op : ops) {
            switch (op.outcome()) {
                case ACKNOWLEDGED -> {
                    acknowledged.add(op.id());
                    ackById.put(op.id(), op);
                }
                case FAILED -> failed.add(op.id());
                case UNKNOWN -> b.unknown++;
                default -> throw new IllegalStateException(op.outcome().name());
            }
        }
        b.acknowledged = acknowledged.size();
        b.failed = failed.size();
        b.acknowledgedById = ackById;

        Map<Long, Integer> onLeader = held.onLeader().ids();
        b.lost = acknowledged.stream().filter(id -> !onLeader.containsKey(id))
                .collect(Collectors.toCollection(TreeSet::new));
        b.phantoms = failed.stream().filter(onLeader::containsKey).collect(Collectors.toCollection(TreeSet::new));

        Map<String, Long> duplicated = new TreeMap<>();
        Map<String, Set<Long>> divergent = new TreeMap<>();
        duplicates(held.onLeader()).ifPresent(n -> duplicated.put(held.leader(), n));
        held.onFollowers().forEach((follower, contents) -> {
            duplicates(contents).ifPresent(n -> duplicated.put(follower, n));
            Set<Long> differ = new TreeSet<>();
            contents.ids().keySet().stream().filter(id -> !onLeader.containsKey(id)).forEach(differ::add);
            onLeader.keySet().stream().filter(id -> !contents.ids().containsKey(id)).forEach(differ::add);
            if (!differ.isEmpty()) {
                divergent.put(follower, differ);
            }
        });
        b.duplicated = duplicated;
        b.divergent = divergent;
        b.longestUnavailability = longestGap(ops, started, stopped);
        b.maxLag = maxLag(ops, samples, held.replicas(), held.podName());
        b.splitBrain = splitBrain(samples, held.replicas(), held.podName());
        b.nonMonotonic = nonMonotonic(samples, held.replicas(), held.podName());
        return b;
    }

    private static Optional<Long> duplicates(LedgerTable.Contents contents) {
        long distinct = contents.ids().size();
        long extra = Math.max(contents.counter() - distinct, contents.rows() - distinct);
        return extra > 0 ? Optional.of(extra) : Optional.empty();
    }

    /**
     * Waits until every follower the faults let replicate holds the leader's rows; returns the others. The bound is
     * {@link #CATCH_UP}, counted for a follower whose disk-full ended less than a minute ago from MariaDB's retry.
     */
    private Map<String, String> awaitFollowers(MySqlPod leader, LedgerTable.Contents onLeader) {
        long target = onLeader.counter();
        long deadline = System.nanoTime() + CATCH_UP.toNanos();
        Map<String, String> behind = new LinkedHashMap<>();
        List<FaultEvent> inForce = history.inForceAt(Instant.now());
        for (MySqlPod follower : cluster.followers()) {
            Optional<String> cut = cutOff(inForce, follower.ordinal(), leader.ordinal());
            if (cut.isPresent()) {
                behind.put(follower.name(), cut.get());
                continue;
            }
            Optional<Instant> diskFreed = diskFreedWithinARetry(follower.ordinal());
            long until = diskFreed.map(freed -> Math.max(deadline, System.nanoTime()
                    + Duration.between(Instant.now(), freed.plus(DISK_FULL_RETRY).plus(CATCH_UP)).toNanos()))
                    .orElse(deadline);
            String reason = "not caught up within " + CATCH_UP.toSeconds() + " s" + diskFreed.map(freed -> " after "
                    + "MariaDB's retry of its full disk (its disk-full ended at " + Verdict.TIME.format(freed) + "; the "
                    + "server retries once a minute)").orElse("");
            long stoppedSince = 0;
            while (System.nanoTime() < until) {
                if (holds(follower, target, onLeader.ids().size())) {
                    reason = null;
                    break;
                }
                Optional<String> stopped = replicationStopped(follower);
                if (stopped.isEmpty()) {
                    stoppedSince = 0;
                } else if (stoppedSince == 0) {
                    stoppedSince = System.nanoTime();
                } else if (System.nanoTime() - stoppedSince >= STOPPED_SETTLE.toNanos()) {
                    reason = stopped.get();
                    break;
                }
                sleep();
            }
            if (reason != null) {
                behind.put(follower.name(), reason);
                LOG.warn("ledger: {} has not caught up with {}: {}", follower.name(), leader.name(), reason);
            } else if (diskFreed.isPresent() && System.nanoTime() > deadline) {
                LOG.info("ledger: {} caught up {} s after the catch-up bound: its disk-full ended at {}, and MariaDB "
                        + "retries a full disk once a minute", follower.name(),
                        (System.nanoTime() - deadline) / 1_000_000_000, Verdict.TIME.format(diskFreed.get()));
            }
        }
        return behind;
    }

    /** When the last disk-full of this follower ended, if it ended less than a retry ago. */
    private Optional<Instant> diskFreedWithinARetry(int follower) {
        return diskFreedWithinARetry(history.faults(), follower);
    }

    /** When the last disk-full of {@code pod} among {@code faults} ended, if it ended less than a retry ago. */
    static Optional<Instant> diskFreedWithinARetry(List<FaultEvent> faults, int pod) {
        Instant retryAgo = Instant.now().minus(DISK_FULL_RETRY);
        return faults.stream()
                .filter(f -> f.kind().equals("disk-full") && f.ordinals().contains(pod) && f.ended() != null
                        && f.ended().isAfter(retryAgo))
                .map(FaultEvent::ended).max(Comparator.naturalOrder());
    }

    /** Why a fault in force keeps the follower from replicating the leader, if one does. */
    static Optional<String> cutOff(List<FaultEvent> inForce, int follower, int leader) {
        for (FaultEvent f : inForce) {
            List<Integer> pods = f.ordinals();
            boolean hit = switch (f.kind()) {
                case "isolate", "pause" -> pods.contains(follower) || pods.contains(leader);
                case "partition" -> pods.contains(follower) != pods.contains(leader);
                case "cut" -> pods.containsAll(List.of(follower, leader));
                case "stopReplication", "delayReplication", "disk-full" -> pods.contains(follower);
                default -> false;
            };
            if (hit) {
                return Optional.of("cut off from the leader by " + f.kind() + f.ordinals() + ", in force since "
                        + Verdict.TIME.format(f.started()));
            }
        }
        return Optional.empty();
    }

    private Optional<String> replicationStopped(MySqlPod follower) {
        try {
            ReplicaStatus status = cluster.replicaStatus(follower.ordinal());
            if (!status.sqlRunning() && status.lastSqlErrno() != 0) {
                return Optional.of("its SQL thread stopped: " + status.summary());
            }
            // an IO thread that retries shows "Connecting"; "No" is stopped for good, with or without an error in the
            // status. Not by a STOP SLAVE of the test's (a stopReplication fault is cut-off above): the server stopped
            // or did not start it, and when the status has no error, only its error log says why
            if (!status.sqlRunning() && !status.ioRunning() || "No".equals(status.ioState())) {
                return Optional.of((status.sqlRunning() ? "its IO thread stopped: " : "its replication is stopped: ")
                        + status.summary() + ReplicationLogLines.of(follower)
                        .map(lines -> "; its error log's last replication lines: " + lines).orElse(""));
            }
        } catch (RuntimeException | AssertionError e) {
            return Optional.empty(); // restarting; try again until the deadline
        }
        return Optional.empty();
    }

    private boolean holds(MySqlPod pod, long counter, long ids) {
        try (Connection c = LedgerTable.connect(StatementLog.unrecorded(pod.jdbcUrl()), LedgerTable.READ_SOCKET_TIMEOUT)) {
            return LedgerTable.holdsAtLeast(c, counter, ids);
        } catch (SQLException | RuntimeException e) {
            return false;
        }
    }

    private Optional<LedgerTable.Contents> read(MySqlPod pod, boolean required) {
        long deadline = System.nanoTime() + (required ? READ_RETRY : FOLLOWER_READ_RETRY).toNanos();
        SQLException last = null;
        do {
            try (Connection c = LedgerTable.connect(StatementLog.unrecorded(pod.jdbcUrl()), LedgerTable.READ_SOCKET_TIMEOUT)) {
                return Optional.of(LedgerTable.read(c));
            } catch (SQLException e) {
                last = e;
            }
            sleep();
        } while (System.nanoTime() < deadline);
        if (required) {
            List<FaultEvent> inForce = history.inForceAt(Instant.now());
            throw new IllegalStateException("ledger.stop(): cannot read the ledger's table on the leader " + pod.name()
                    + " at " + PodEndpoint.withoutPassword(pod.jdbcUrl()) + " for " + READ_RETRY.toSeconds() + " s: "
                    + last.getMessage()
                    + (inForce.isEmpty() ? "" : "; faults in force: " + inForce
                            + " (stop the ledger before the fault, or heal first)"), last);
        }
        LOG.warn("ledger: cannot read {}: {}", pod.name(), last.getMessage());
        return Optional.empty();
    }

    private String gtidState(MySqlPod leader) {
        try (Connection c = LedgerTable.connect(StatementLog.unrecorded(leader.jdbcUrl()), LedgerTable.READ_SOCKET_TIMEOUT)) {
            return ErrantTransactions.leaderState(c);
        } catch (SQLException e) {
            LOG.warn("ledger: cannot read the GTID state of {}: {}", leader.name(), e.getMessage());
            return null;
        }
    }

    private List<String> errant(MySqlPod follower, String leaderState) {
        try (Connection c = LedgerTable.connect(StatementLog.unrecorded(follower.jdbcUrl()), LedgerTable.READ_SOCKET_TIMEOUT)) {
            return ErrantTransactions.beyond(c, leaderState);
        } catch (SQLException e) {
            LOG.warn("ledger: cannot read the GTID state of {}: {}", follower.name(), e.getMessage());
            return List.of();
        }
    }

    static Duration longestGap(List<Operation> ops, long started, long stopped) {
        long[] acks = ops.stream().filter(op -> op.outcome() == Outcome.ACKNOWLEDGED)
                .mapToLong(Operation::completed).sorted().toArray();
        long previous = started;
        long longest = 0;
        for (long ack : acks) {
            longest = Math.max(longest, ack - previous);
            previous = Math.max(previous, ack);
        }
        longest = Math.max(longest, stopped - previous);
        return Duration.ofMillis(Math.max(0, longest));
    }

    private static Map<String, Duration> maxLag(List<Operation> ops, List<Sample> samples, int replicas,
            IntFunction<String> podName) {
        Staleness staleness = new Staleness(acknowledged(ops));
        Map<String, Duration> lag = new TreeMap<>();
        for (Sample s : samples) {
            if (s.pod() == s.leader() || s.pod() >= replicas) {
                continue;
            }
            Duration d = Duration.ofMillis(staleness.at(s.at(), s.newest()));
            lag.merge(podName.apply(s.pod()), d, (a, c) -> a.compareTo(c) >= 0 ? a : c);
        }
        return lag;
    }

    static List<Operation> acknowledged(List<Operation> ops) {
        return ops.stream().filter(op -> op.outcome() == Outcome.ACKNOWLEDGED).toList();
    }

    private static List<String> splitBrain(List<Sample> samples, int replicas, IntFunction<String> podName) {
        Map<Long, List<Sample>> rounds = samples.stream()
                .collect(Collectors.groupingBy(Sample::round, TreeMap::new, Collectors.toList()));
        List<String> found = new ArrayList<>();
        String open = null;
        long from = 0;
        long to = 0;
        for (List<Sample> round : rounds.values()) {
            List<String> writable = round.stream().filter(Sample::writable).map(Sample::pod).sorted()
                    .map(n -> n < replicas ? podName.apply(n) : "pod " + n).toList();
            String pods = writable.size() >= 2 ? String.join(", ", writable) : null;
            long at = round.stream().mapToLong(Sample::at).min().orElse(0);
            if (pods != null && pods.equals(open)) {
                to = at;
                continue;
            }
            if (open != null) {
                found.add(describeSplit(open, from, to));
            }
            open = pods;
            from = at;
            to = at;
        }
        if (open != null) {
            found.add(describeSplit(open, from, to));
        }
        return found;
    }

    private static String describeSplit(String pods, long from, long to) {
        return pods + " accepted writes at once (@@read_only = 0) at " + Verdict.TIME.format(Instant.ofEpochMilli(from))
                + (to > from ? " until " + Verdict.TIME.format(Instant.ofEpochMilli(to)) : "");
    }

    /**
     * Per pod name, how many samples read an older newest row on that pod than an earlier sample had (a pod that
     * went back in time: lost commits after a crash, data restored from an older pod); pods beyond {@code replicas}
     * (scaled away) are left out.
     */
    static Map<String, Long> nonMonotonic(List<Sample> samples, int replicas, IntFunction<String> podName) {
        Map<Integer, Long> newest = new HashMap<>();
        Map<String, Long> backwards = new TreeMap<>();
        samples.stream().sorted(Comparator.comparingLong(Sample::round)).forEach(s -> {
            long seen = newest.getOrDefault(s.pod(), -1L);
            if (s.newest() < seen && s.pod() < replicas) {
                backwards.merge(podName.apply(s.pod()), 1L, Long::sum);
            }
            newest.put(s.pod(), Math.max(seen, s.newest()));
        });
        return backwards;
    }

    private static void sleep() {
        try {
            Thread.sleep(POLL_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
