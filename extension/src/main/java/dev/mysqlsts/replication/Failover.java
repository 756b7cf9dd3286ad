package dev.mysqlsts.replication;

import static org.apiguardian.api.API.Status.INTERNAL;

import dev.mysqlsts.Promotion;
import dev.mysqlsts.ReplicaStatus;
import dev.mysqlsts.backend.PodEndpoint;
import dev.mysqlsts.backend.RunningStatefulSet;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apiguardian.api.API;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Promotes a follower to replication source, the way a fail-over tool does it on MariaDB:
 * <ol>
 *   <li>fence the old source (read-only) and let the followers apply what they can;</li>
 *   <li>stop every follower's replication; the new source forgets its source ({@code RESET SLAVE ALL}) before it
 *       restarts, so that it cannot pull anything more from the old one while it comes back;</li>
 *   <li>restart it with the leader's config and give its fresh binary log the GTID state it had
 *       ({@code gtid_current_pos}: what it applied, and what it wrote itself if it was a source before);</li>
 *   <li>point every other pod at it by GTID from the position that pod holds, the old source included, which
 *       stays read-only and gets the follower's config from its next restart on (its role, not its ordinal,
 *       decides).</li>
 * </ol>
 * A pod can follow only if it holds exactly what the new source applied: one ahead has transactions the new source
 * lacks, one behind (it had not drained) needs transactions the new source never wrote to a binary log, as followers
 * write none. The {@link Promotion} names both kinds; each of them stops with error 1236 until it is rebuilt.
 * MariaDB only: GTID positions as MariaDB writes them ({@code domain-server-sequence}).
 */
@API(status = INTERNAL)
public final class Failover {

    private static final Logger LOG = LoggerFactory.getLogger(Failover.class);
    private static final Duration RELAY_APPLY_TIMEOUT = Duration.ofSeconds(20);

    private Failover() {
    }

    public static Promotion promote(RunningStatefulSet statefulSet, int oldLeader, int newLeader,
                                    Runnable awaitCaughtUp) {
        requireMariaDb(statefulSet, newLeader);
        Map<String, String> unreachable = new LinkedHashMap<>();
        try {
            Sql.execute(url(statefulSet, oldLeader), Replication.STATEMENT_TIMEOUT, "SET GLOBAL read_only = 1");
            awaitCaughtUp.run();
        } catch (RuntimeException | AssertionError e) {
            LOG.warn("promote({}): the old source {} could not be fenced or caught up with ({}); promoting anyway",
                    newLeader, name(statefulSet, oldLeader), e.getMessage());
        }
        for (int ordinal = 0; ordinal < statefulSet.replicas(); ordinal++) {
            if (ordinal != oldLeader && ordinal != newLeader) {
                try {
                    Sql.execute(url(statefulSet, ordinal), Replication.STATEMENT_TIMEOUT, "STOP SLAVE");
                } catch (Sql.SqlFailure e) {
                    LOG.warn("promote({}): STOP SLAVE on {} failed: {}", newLeader, name(statefulSet, ordinal), e.getMessage());
                }
            }
        }
        String newUrl = url(statefulSet, newLeader);
        applyRelayLog(newUrl, name(statefulSet, newLeader));
        Sql.execute(newUrl, Replication.STATEMENT_TIMEOUT, "STOP SLAVE", "RESET SLAVE ALL");
        String applied = gtidCurrentPos(newUrl);
        statefulSet.restartInRole(newLeader, true);
        newUrl = url(statefulSet, newLeader);
        Sql.execute(newUrl, Replication.STATEMENT_TIMEOUT, "RESET MASTER",
                "SET GLOBAL gtid_binlog_state = '" + applied + "'", "SET GLOBAL read_only = 0");

        Map<String, List<String>> missing = new LinkedHashMap<>();
        Map<String, List<String>> behind = new LinkedHashMap<>();
        for (int ordinal = 0; ordinal < statefulSet.replicas(); ordinal++) {
            if (ordinal == newLeader) {
                continue;
            }
            String name = name(statefulSet, ordinal);
            statefulSet.assignRole(ordinal, false);
            PodEndpoint source = statefulSet.replicationAddress(ordinal, newLeader);
            try {
                String url = url(statefulSet, ordinal);
                Sql.execute(url, Replication.STATEMENT_TIMEOUT, "SET GLOBAL read_only = 1", "STOP SLAVE");
                String held = gtidCurrentPos(url);
                List<String> ahead = Gtids.beyond(held, applied);
                if (!ahead.isEmpty()) {
                    missing.put(name, ahead);
                }
                List<String> lacking = Gtids.beyond(applied, held);
                if (!lacking.isEmpty()) {
                    behind.put(name, lacking);
                }
                // the pod's own position, its binary log's included: a former source resumes where it stopped
                Sql.execute(url, Replication.STATEMENT_TIMEOUT, "SET GLOBAL gtid_slave_pos = '" + held + "'",
                        Replication.changeMaster(source.host(), source.port(), source.userPassword(),
                                "MASTER_USE_GTID=slave_pos"),
                        "START SLAVE");
            } catch (Sql.SqlFailure e) {
                LOG.warn("promote({}): could not point {} at {}: {}", newLeader, name, source.name(), e.getMessage());
                unreachable.put(name, e.getMessage());
            }
        }
        Promotion promotion = new Promotion(newLeader, missing, behind, unreachable);
        LOG.info("promoted {} to replication source at GTID {}{}{}{}", name(statefulSet, newLeader), applied,
                missing.isEmpty() ? "; no pod had transactions it lacks" : "; transactions the new source lacks: " + missing,
                behind.isEmpty() ? "" : "; transactions it cannot send to pods that had not applied them (its binary "
                        + "log begins now): " + behind,
                unreachable.isEmpty() ? "" : "; pods it could not reach: " + unreachable.keySet());
        return promotion;
    }

    /**
     * What the new source has received but not applied yet (its relay log) is applied before it forgets its old
     * source: a fail-over tool does the same, or it would lose transactions a client saw acknowledged (with
     * semi-synchronous replication, the follower acknowledged them on receipt). The IO thread stops first, so that
     * the target does not move; bounded by {@link #RELAY_APPLY_TIMEOUT}.
     */
    private static void applyRelayLog(String url, String pod) {
        Sql.execute(url, Replication.STATEMENT_TIMEOUT, "STOP SLAVE IO_THREAD");
        Optional<ReplicaStatus> status = Replication.replicaStatus(url);
        if (status.isEmpty() || !status.get().sqlRunning() || status.get().sourceLogFile().isEmpty()) {
            return;
        }
        BinlogPosition received = new BinlogPosition(status.get().sourceLogFile(), status.get().readPosition());
        if (!Replication.awaitApplied(url, received, RELAY_APPLY_TIMEOUT)) {
            LOG.warn("{} had not applied its relay log up to {} after {} s; promoting it anyway", pod, received,
                    RELAY_APPLY_TIMEOUT.toSeconds());
        }
    }

    /**
     * The steps above use MariaDB's GTIDs. On MySQL a promotion needs {@code gtid_mode=ON} in the config, and even
     * then this harness does not promote MySQL servers yet: say which of the two it is.
     */
    private static void requireMariaDb(RunningStatefulSet statefulSet, int newLeader) {
        String url = url(statefulSet, newLeader);
        Dialect dialect = Replication.dialect(url);
        if (dialect.family() == Dialect.Family.MARIADB) {
            return;
        }
        String pod = name(statefulSet, newLeader);
        if (!Replication.gtidModeOn(url)) {
            throw new UnsupportedOperationException("promote(" + newLeader + "): " + pod + " runs " + dialect
                    + " with gtid_mode OFF, so a new source cannot be followed by position after a fail-over: add "
                    + "gtid_mode=ON and enforce_gtid_consistency=ON to the ConfigMap's config files");
        }
        throw new UnsupportedOperationException("promote(" + newLeader + "): " + pod + " runs " + dialect
                + "; the harness promotes MariaDB servers only (it follows MariaDB's GTID positions)");
    }

    private static String gtidCurrentPos(String url) {
        String value = Sql.rows(url, Replication.STATEMENT_TIMEOUT, "SELECT @@gtid_current_pos AS pos").get(0).get("pos");
        return value == null ? "" : value;
    }

    private static String url(RunningStatefulSet statefulSet, int ordinal) {
        return statefulSet.endpoint(ordinal).adminJdbcUrl();
    }

    private static String name(RunningStatefulSet statefulSet, int ordinal) {
        return statefulSet.spec().podName(ordinal);
    }
}
