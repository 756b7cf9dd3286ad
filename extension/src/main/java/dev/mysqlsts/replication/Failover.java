package dev.mysqlsts.replication;

import dev.mysqlsts.Promotion;
import dev.mysqlsts.backend.PodEndpoint;
import dev.mysqlsts.backend.RunningStatefulSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Promotes a follower to replication source, the way a fail-over tool does it on MariaDB: fence the old source
 * (read-only), let followers apply what they can, restart the new source with the leader's config, give its
 * fresh binary log the GTID state it has applied, then point every other pod at it by GTID.
 */
public final class Failover {

    private static final Logger LOG = LoggerFactory.getLogger(Failover.class);

    private Failover() {
    }

    public static Promotion promote(RunningStatefulSet statefulSet, int oldLeader, int newLeader,
                                    Runnable awaitCaughtUp) {
        String oldUrl = statefulSet.endpoint(oldLeader).adminJdbcUrl();
        try {
            Sql.execute(oldUrl, Replication.STATEMENT_TIMEOUT, "SET GLOBAL read_only = 1");
            awaitCaughtUp.run();
        } catch (RuntimeException | AssertionError e) {
            LOG.warn("promote({}): the old source {} could not be fenced or caught up with ({}); promoting anyway",
                    newLeader, statefulSet.spec().podName(oldLeader), e.getMessage());
        }
        for (int ordinal = 0; ordinal < statefulSet.replicas(); ordinal++) {
            if (ordinal != oldLeader) {
                bestEffort(statefulSet, ordinal, "STOP SLAVE");
            }
        }
        String applied = single(statefulSet.endpoint(newLeader).adminJdbcUrl(), "SELECT @@gtid_slave_pos AS pos");
        statefulSet.restartInRole(newLeader, true);
        String newUrl = statefulSet.endpoint(newLeader).adminJdbcUrl();
        Sql.execute(newUrl, Replication.STATEMENT_TIMEOUT, "STOP SLAVE", "RESET SLAVE ALL", "RESET MASTER",
                "SET GLOBAL gtid_binlog_state = '" + applied + "'", "SET GLOBAL read_only = 0");

        Map<String, String> missing = new LinkedHashMap<>();
        for (int ordinal = 0; ordinal < statefulSet.replicas(); ordinal++) {
            if (ordinal == newLeader) {
                continue;
            }
            String name = statefulSet.spec().podName(ordinal);
            PodEndpoint source = statefulSet.replicationAddress(ordinal, newLeader);
            try {
                String url = statefulSet.endpoint(ordinal).adminJdbcUrl();
                List<String> ahead = Gtids.beyond(single(url, "SELECT @@gtid_current_pos AS pos"), applied);
                if (!ahead.isEmpty()) {
                    missing.put(name, String.join(",", ahead));
                }
                Sql.execute(url, Replication.STATEMENT_TIMEOUT, "SET GLOBAL read_only = 1", "STOP SLAVE",
                        Replication.changeMaster(source.host(), source.port(), "MASTER_USE_GTID=current_pos"),
                        "START SLAVE");
            } catch (Sql.SqlFailure e) {
                LOG.warn("promote({}): could not point {} at {}: {}", newLeader, name, source.name(), e.getMessage());
                missing.putIfAbsent(name, "(unreachable during the promotion: " + e.getMessage() + ")");
            }
        }
        Promotion promotion = new Promotion(newLeader, missing);
        LOG.info("promoted {} to replication source at GTID {}{}", statefulSet.spec().podName(newLeader), applied,
                missing.isEmpty() ? "; no pod had transactions it lacks"
                        : "; transactions the new source lacks: " + missing);
        return promotion;
    }

    private static void bestEffort(RunningStatefulSet statefulSet, int ordinal, String sql) {
        try {
            Sql.execute(statefulSet.endpoint(ordinal).adminJdbcUrl(), Replication.STATEMENT_TIMEOUT, sql);
        } catch (Sql.SqlFailure e) {
            LOG.warn("{} on {} failed: {}", sql, statefulSet.spec().podName(ordinal), e.getMessage());
        }
    }

    private static String single(String url, String query) {
        String value = Sql.rows(url, Replication.STATEMENT_TIMEOUT, query).get(0).get("pos");
        return value == null ? "" : value;
    }
}
