package dev.mysqlsts.samples.soak;

import dev.mysqlsts.ChaosOptions;
import dev.mysqlsts.FaultEvent;
import dev.mysqlsts.Faults;
import dev.mysqlsts.Ledger;
import dev.mysqlsts.LedgerReport;
import dev.mysqlsts.MySqlCluster;
import dev.mysqlsts.samples.chaos.MostAdvancedFollower;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * One soak: a seeded schedule of every fault kind (the leader included, two at once, a fail-over step that promotes
 * the most advanced follower) for {@code -Dsoak.minutes} (default 10) while four clients write under the ledger.
 * {@code -Dsoak.seed} changes the seed (default {@value #DEFAULT_SEED}); the same seed gives the same plan, whose
 * fingerprint and first steps the log's {@code chaos schedule of ...} line prints.
 */
final class Soak {

    static final long DEFAULT_SEED = 20261202;
    static final int CLIENTS = 4;

    private Soak() {
    }

    /** What the soak cost, with the ledger's verdict. */
    record Result(long seed, Duration length, List<FaultEvent> history, int failoverCalls, LedgerReport report,
                  long serversAfter) {

        long faults() {
            return history.stream().filter(event -> !event.kind().equals("failover")).count();
        }

        String summary(String manifests) {
            Map<String, Long> byKind = history.stream()
                    .collect(Collectors.groupingBy(FaultEvent::kind, TreeMap::new, Collectors.counting()));
            return String.join("\n  ", List.of(
                    "soak on " + manifests + ": seed " + seed + " (replay: -Dsoak.seed=" + seed + "), "
                            + length.toSeconds() + " s, " + CLIENTS + " clients",
                    "faults survived: " + faults() + " " + byKind + ", fail-overs called: " + failoverCalls,
                    "first faults: " + history.stream().limit(8).map(e -> e.kind() + e.ordinals()).toList(),
                    "acknowledged " + report.acknowledged() + ", failed " + report.failed() + ", unknown "
                            + report.unknown(),
                    "lost " + report.lost().size() + (report.lost().isEmpty() ? "" : " " + first(report.lost())),
                    "duplicated " + report.duplicated() + ", divergent " + report.divergent().entrySet().stream()
                            .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().size())),
                    "longest unavailability " + report.longestUnavailability().toMillis() + " ms",
                    // a follower whose replication is stopped at the end (its server did not start it after a crash
                    // restart: the error log lines say why) misses everything since: the divergent ids above
                    "not caught up at the end: " + (report.notCaughtUp().isEmpty() ? "none" : report.notCaughtUp()),
                    "servers running at the end: " + serversAfter));
        }

        private static String first(java.util.Set<Long> ids) {
            return ids.stream().limit(10).toList() + (ids.size() > 10 ? "..." : "");
        }
    }

    static Duration length() {
        String minutes = System.getProperty("soak.minutes", "10");
        try {
            return Duration.ofMillis(Math.round(Double.parseDouble(minutes) * 60_000));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("-Dsoak.minutes=" + minutes + " is not a number of minutes: give for "
                    + "example -Dsoak.minutes=2", e);
        }
    }

    static long seed() {
        return Long.getLong("soak.seed", DEFAULT_SEED);
    }

    static Result run(MySqlCluster cluster, Faults faults, Ledger ledger) {
        Duration length = length();
        long seed = seed();
        AtomicInteger failovers = new AtomicInteger();
        ledger.start(CLIENTS);
        faults.schedule(seed, length, ChaosOptions.everyKind().overlapping(2).failover(c -> {
            failovers.incrementAndGet();
            MostAdvancedFollower.failover(c);
        }));
        // a lane that fell behind its plan (crash restarts, fail-overs) starts no step later than 30 s past the length
        // and drops the rest: after that, the schedule has ended once no fault of it is in force
        try {
            Awaitility.await().pollDelay(length.plusSeconds(31)).atMost(length.plusMinutes(4))
                    .pollInterval(Duration.ofSeconds(1))
                    .until(() -> faults.history().stream().allMatch(event -> event.ended() != null));
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("the schedule did not end within " + length.plusMinutes(4).toMinutes()
                    + " minutes: still in force " + faults.history().stream().filter(event -> event.ended() == null)
                    .map(event -> event.kind() + event.ordinals() + " since " + event.started()).toList(), e);
        }
        LedgerReport report = ledger.stop();
        return new Result(seed, length, faults.history(), failovers.get(), report, servers());
    }

    /** The mariadbd/mysqld processes this JVM started that still run. */
    static long servers() {
        return ProcessHandle.current().descendants().filter(ProcessHandle::isAlive)
                .filter(p -> p.info().command().map(c -> c.endsWith("mariadbd") || c.endsWith("mysqld")).orElse(false))
                .count();
    }
}
