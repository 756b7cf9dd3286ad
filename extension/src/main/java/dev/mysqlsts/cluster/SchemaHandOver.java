package dev.mysqlsts.cluster;

import static org.apiguardian.api.API.Status.INTERNAL;

import dev.mysqlsts.MySqlCluster;
import dev.mysqlsts.replication.Consistency;
import dev.mysqlsts.replication.Sql;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.apiguardian.api.API;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands a shared cluster from one test class to the next: the schemas the class created are dropped on the leader
 * (the drops replicate) and the followers catch up. Schemas of the server itself and the ledger's are never
 * touched; data in schemas that existed before the class is the class's own business. Schemas an application
 * context created as it started (a Spring context's Flyway migrations) are {@linkplain #hold held}: the context
 * outlives the class in Spring's cache, and the next class uses it.
 *
 * <pre>{@code
 * SchemaHandOver handOver = SchemaHandOver.atStart(cluster);   // before the class's first test
 * handOver.dropCreated("OrdersTest");                         // after its last
 * }</pre>
 */
@API(status = INTERNAL)
public final class SchemaHandOver {

    private static final Logger LOG = LoggerFactory.getLogger(SchemaHandOver.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final Duration CATCH_UP = Duration.ofSeconds(60);
    /** The user schemas; the ledger's is the harness's own, recreated by every ledger. */
    private static final String USER_SCHEMAS = "SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME "
            + "NOT IN " + Consistency.SERVER_SCHEMAS + " AND SCHEMA_NAME <> 'mysqlsts_ledger'";

    private static final Map<MySqlCluster, Set<String>> HELD = new ConcurrentHashMap<>();

    private final StatefulSetCluster cluster;
    private final Set<String> atStart;

    private SchemaHandOver(StatefulSetCluster cluster, Set<String> atStart) {
        this.cluster = cluster;
        this.atStart = atStart;
    }

    /** Every user schema the cluster's leader holds now is kept from the drops, for {@code whose} sake. */
    public static void hold(MySqlCluster cluster, String whose) {
        Set<String> schemas = schemas((StatefulSetCluster) cluster);
        HELD.computeIfAbsent(cluster, c -> ConcurrentHashMap.newKeySet()).addAll(schemas);
        if (!schemas.isEmpty()) {
            LOG.info("cluster {}: schemas {} are kept for {}", cluster, String.join(", ", schemas), whose);
        }
    }

    /** The cluster stopped: nothing is held for it any more. */
    public static void release(MySqlCluster cluster) {
        HELD.remove(cluster);
    }

    /** Notes the user schemas the leader holds now. */
    public static SchemaHandOver atStart(StatefulSetCluster cluster) {
        return new SchemaHandOver(cluster, schemas(cluster));
    }

    /**
     * Drops every user schema created since {@link #atStart}, then waits for the followers; throws
     * {@link ClusterBrokenException} naming the class when it cannot.
     */
    public void dropCreated(String className) {
        long started = System.nanoTime();
        try {
            List<String> dropped = new ArrayList<>(schemas(cluster));
            dropped.removeAll(atStart);
            dropped.removeAll(HELD.getOrDefault(cluster, Set.of()));
            if (!dropped.isEmpty()) {
                try (Connection connection = Sql.connect(leaderUrl(cluster), TIMEOUT);
                        Statement statement = connection.createStatement()) {
                    for (String schema : dropped) {
                        statement.execute("DROP DATABASE `" + schema.replace("`", "``") + "`");
                    }
                }
                cluster.awaitReplicationCaughtUp(CATCH_UP);
            }
            LOG.info("cluster {} handed to the next class after {} in {} ms: {}", cluster, className,
                    (System.nanoTime() - started) / 1_000_000,
                    dropped.isEmpty() ? "it created no schema" : "dropped the schemas it created: " + String.join(", ", dropped));
        } catch (SQLException | RuntimeException | AssertionError e) {
            throw new ClusterBrokenException(cluster.toString(), className,
                    "the schemas it created could not be dropped for the next class: " + e.getMessage(), e);
        }
    }

    private static Set<String> schemas(StatefulSetCluster cluster) {
        Set<String> names = new TreeSet<>();
        Sql.rows(leaderUrl(cluster), TIMEOUT, USER_SCHEMAS).forEach(row -> names.add(row.get("SCHEMA_NAME")));
        return names;
    }

    private static String leaderUrl(StatefulSetCluster cluster) {
        return ((Pod) cluster.leader()).endpoint().adminJdbcUrl();
    }
}
