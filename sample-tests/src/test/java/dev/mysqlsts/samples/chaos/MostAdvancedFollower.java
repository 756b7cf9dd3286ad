package dev.mysqlsts.samples.chaos;

import dev.mysqlsts.MySqlCluster;
import dev.mysqlsts.MySqlPod;
import dev.mysqlsts.Promotion;
import dev.mysqlsts.ReplicaStatus;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A team's fail-over code, as a schedule's fail-over step calls it ({@code ChaosOptions.failover(...)}): after the
 * leader crashed, promote the follower closest behind it, and re-clone the pods the promotion says cannot follow
 * the new leader. It stands for the code a team would put under test (an orchestrator-like tool, or its own).
 * <ol>
 *   <li>Wait, bounded, for the crashed leader to come back (the kubelet restarts it on its data): the promotion then
 *       fences it and lets the followers drain what it acknowledged. Promoting while it is down would lose what it
 *       acknowledged and had not sent yet, as {@link AsynchronousFailoverLosesAcknowledgedWritesTest} shows: when it
 *       does not come back, this code refuses to fail over (it prefers waiting to losing writes).</li>
 *   <li>Wait, bounded, until every follower replicates (Ready, both threads running): one frozen or cut off at the
 *       promotion would be left behind and need a re-clone.</li>
 *   <li>Wait, bounded, until a Ready follower is close behind the old leader (at most {@value #MAX_LAG} transactions
 *       of any replication domain short of its {@code gtid_binlog_pos}), and promote the closest: the promotion fences
 *       the old leader and lets it drain the rest. A follower can lag far behind a leader that kept acknowledging (one
 *       whose disk was full waits up to a minute for MariaDB's retry, its IO thread still "running"); promoting it
 *       would lose what it lacks, so when none comes close this code refuses to fail over, as above.</li>
 *   <li>Rebuild the pods the promotion reports behind the new leader or unreachable (they stop with error 1236);
 *       one that holds transactions the new leader lacks is left as it is, for the verdict to see.</li>
 * </ol>
 * MariaDB GTIDs ({@code domain-server-sequence}); LOCAL only, as {@code promote} is.
 */
public final class MostAdvancedFollower {

    private static final Logger LOG = LoggerFactory.getLogger(MostAdvancedFollower.class);
    private static final long OLD_LEADER_BACK_MS = 30_000;
    private static final int READ_TIMEOUT_MS = 3_000;
    private static final long HEALTHY_WAIT_MS = 15_000;
    /** Longer than MariaDB's one-minute retry of a full disk, which a lagging follower may be waiting for. */
    private static final long CATCH_UP_MS = 75_000;
    /** How far behind the old leader a candidate may be: its promotion drains that many well within its 20 s. */
    static final long MAX_LAG = 10_000;

    private MostAdvancedFollower() {
    }

    /** Promotes the most advanced follower; returns what the promotion reported, with the pods rebuilt after it. */
    public static Promotion failover(MySqlCluster cluster) {
        MySqlPod old = cluster.leader();
        long deadline = System.currentTimeMillis() + OLD_LEADER_BACK_MS;
        while (!old.isReady() && System.currentTimeMillis() < deadline) {
            sleep(100);
        }
        if (!old.isReady()) {
            // promoting now would lose what the old leader acknowledged and had not sent: this code prefers to wait
            throw new IllegalStateException("not failing over: " + old.name() + " did not come back within "
                    + OLD_LEADER_BACK_MS / 1000 + " s, and a promotion without it would lose what it acknowledged");
        }
        // a follower that does not replicate now (frozen, cut off, stopped) would be left behind by the promotion, and
        // one left behind must be re-cloned: wait, bounded, until each replicates, as a careful fail-over tool does
        long healthy = System.currentTimeMillis() + HEALTHY_WAIT_MS;
        while (!cluster.followers().stream().allMatch(follower -> replicating(cluster, follower))
                && System.currentTimeMillis() < healthy) {
            sleep(200);
        }
        long closeBehind = System.currentTimeMillis() + CATCH_UP_MS;
        int best = -1;
        long bestLag = Long.MAX_VALUE;
        while (best < 0 && System.currentTimeMillis() < closeBehind) {
            Optional<Map<Long, Long>> written = position(old, "SELECT @@gtid_binlog_pos");
            for (MySqlPod follower : cluster.followers()) {
                Optional<Map<Long, Long>> applied = follower.isReady()
                        ? position(follower, "SELECT @@gtid_current_pos") : Optional.empty();
                if (written.isPresent() && applied.isPresent()) {
                    long lag = lag(applied.get(), written.get());
                    if (lag <= MAX_LAG && lag < bestLag) {
                        best = follower.ordinal();
                        bestLag = lag;
                    }
                }
            }
            if (best < 0) {
                sleep(200);
            }
        }
        if (best < 0) {
            throw new IllegalStateException("not failing over: no follower came within " + MAX_LAG + " transactions of "
                    + old.name() + " in " + CATCH_UP_MS / 1000 + " s, and promoting one further behind would lose what "
                    + old.name() + " acknowledged");
        }
        LOG.info("fail-over: {} is back; promoting {}, {}", old.name(), cluster.pod(best).name(), bestLag >= 0
                ? bestLag + " transactions behind it" : "ahead of it by " + -bestLag + " transactions");
        Promotion promotion = cluster.promote(best);
        List<String> cannotFollow = new ArrayList<>(promotion.behindNewLeader().keySet());
        cannotFollow.addAll(promotion.unreachable().keySet());
        for (String name : cannotFollow) {
            int ordinal = Integer.parseInt(name.substring(name.lastIndexOf('-') + 1));
            if (ordinal == 0) {
                LOG.warn("fail-over: {} cannot follow {} and, as ordinal 0, cannot be re-cloned", name,
                        cluster.leader().name());
                continue;
            }
            LOG.info("fail-over: {} cannot follow {}: rebuilding it", name, cluster.leader().name());
            cluster.rebuild(ordinal);
        }
        if (!promotion.missingOnNewLeader().isEmpty()) {
            LOG.warn("fail-over: transactions the new leader lacks: {}", promotion.missingOnNewLeader());
        }
        return promotion;
    }

    /** Whether the follower is Ready with both replication threads running. */
    private static boolean replicating(MySqlCluster cluster, MySqlPod follower) {
        try {
            if (!follower.isReady()) {
                return false;
            }
            ReplicaStatus status = cluster.replicaStatus(follower.ordinal());
            return status.ioRunning() && status.sqlRunning();
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** A GTID position the pod reports ({@code gtid_binlog_pos}, {@code gtid_current_pos}), bounded; empty if it does not answer. */
    private static Optional<Map<Long, Long>> position(MySqlPod pod, String query) {
        try (Connection connection = pod.connection()) {
            connection.setNetworkTimeout(Runnable::run, READ_TIMEOUT_MS);
            try (Statement sql = connection.createStatement(); ResultSet rows = sql.executeQuery(query)) {
                rows.next();
                return Optional.of(position(rows.getString(1)));
            }
        } catch (SQLException | RuntimeException e) {
            LOG.info("fail-over: {} could not be read ({}); not a candidate", pod.name(), e.getMessage());
            return Optional.empty();
        }
    }

    /** A MariaDB GTID position ({@code domain-server-sequence,...}) as the sequence number of each domain. */
    static Map<Long, Long> position(String gtids) {
        Map<Long, Long> byDomain = new TreeMap<>();
        for (String gtid : gtids == null || gtids.isBlank() ? new String[0] : gtids.split(",")) {
            String[] parts = gtid.trim().split("-");
            byDomain.merge(Long.parseLong(parts[0]), Long.parseLong(parts[2]), Math::max);
        }
        return byDomain;
    }

    /** How many transactions {@code applied} lacks of {@code written}, in the domain where it lacks the most. */
    static long lag(Map<Long, Long> applied, Map<Long, Long> written) {
        return written.entrySet().stream().mapToLong(w -> w.getValue() - applied.getOrDefault(w.getKey(), 0L))
                .max().orElse(0);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** For messages: the promotion's findings in one line. */
    public static String describe(Promotion promotion) {
        return "new leader " + promotion.newLeader() + (promotion.missingOnNewLeader().isEmpty() ? ""
                : ", lacking " + promotion.missingOnNewLeader()) + (promotion.behindNewLeader().isEmpty() ? ""
                : ", behind " + promotion.behindNewLeader().keySet()) + (promotion.unreachable().isEmpty() ? ""
                : ", unreachable " + Map.copyOf(promotion.unreachable()).keySet());
    }
}
