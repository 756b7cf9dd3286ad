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
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A team's fail-over code, as a schedule's fail-over step calls it ({@code ChaosOptions.failover(...)}): after the
 * leader crashed, promote the follower that applied the most, and re-clone the pods the promotion says cannot follow
 * the new leader. It stands for the code a team would put under test (an orchestrator-like tool, or its own).
 * <ol>
 *   <li>Wait, bounded, for the crashed leader to come back (the kubelet restarts it on its data): the promotion then
 *       fences it and lets the followers drain what it acknowledged. Promoting while it is down would lose what it
 *       acknowledged and had not sent yet, as {@link AsynchronousFailoverLosesAcknowledgedWritesTest} shows: when it
 *       does not come back, this code refuses to fail over (it prefers waiting to losing writes).</li>
 *   <li>Wait, bounded, until every follower replicates (Ready, both threads running): one frozen or cut off at the
 *       promotion would be left behind and need a re-clone.</li>
 *   <li>Read each Ready follower's applied GTID position and promote the most advanced.</li>
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
        int best = -1;
        long bestSequence = -1;
        // a follower may be restarting too (a crash of every pod): wait, bounded, for one that answers
        long candidates = System.currentTimeMillis() + OLD_LEADER_BACK_MS;
        while (best < 0 && System.currentTimeMillis() < candidates) {
            for (MySqlPod follower : cluster.followers()) {
                OptionalLong applied = follower.isReady() ? appliedSequence(follower) : OptionalLong.empty();
                if (applied.isPresent() && applied.getAsLong() > bestSequence) {
                    best = follower.ordinal();
                    bestSequence = applied.getAsLong();
                }
            }
            if (best < 0) {
                sleep(200);
            }
        }
        if (best < 0) {
            throw new IllegalStateException("no follower could be read for " + OLD_LEADER_BACK_MS / 1000
                    + " s to choose a new leader: " + cluster.followers());
        }
        LOG.info("fail-over: {} is back; promoting {} (applied up to sequence {})", old.name(),
                cluster.pod(best).name(), bestSequence);
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

    /** The highest sequence number of the follower's applied GTID position ({@code gtid_current_pos}), bounded. */
    private static OptionalLong appliedSequence(MySqlPod follower) {
        try (Connection connection = follower.connection()) {
            connection.setNetworkTimeout(Runnable::run, READ_TIMEOUT_MS);
            try (Statement sql = connection.createStatement();
                 ResultSet rows = sql.executeQuery("SELECT @@gtid_current_pos")) {
                rows.next();
                String position = rows.getString(1);
                long highest = -1;
                for (String gtid : position == null ? new String[0] : position.split(",")) {
                    String[] parts = gtid.trim().split("-");
                    if (parts.length == 3) {
                        highest = Math.max(highest, Long.parseLong(parts[2]));
                    }
                }
                return OptionalLong.of(highest);
            }
        } catch (SQLException | RuntimeException e) {
            LOG.info("fail-over: {} could not be read ({}); not a candidate", follower.name(), e.getMessage());
            return OptionalLong.empty();
        }
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
