package dev.mysqlsts.local;

import static dev.mysqlsts.local.LocalClusters.count;
import static dev.mysqlsts.local.LocalClusters.execute;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mysqlsts.cluster.StatefulSetCluster;
import dev.mysqlsts.replication.Sql;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** Lifecycle guarantees of the LOCAL backend: restarts, scale, isolation between clusters, clean-up. */
class ClusterLifecycleTest {

    @Test
    void aKilledFollowerIsRestartedOnItsDataAndCatchesUp() throws SQLException {
        LocalStatefulSet cluster = LocalClusters.start(2);
        try {
            execute(cluster, 0, "CREATE DATABASE app", "CREATE TABLE app.t (id INT PRIMARY KEY)", "INSERT INTO app.t VALUES (1)");
            new StatefulSetCluster(cluster).awaitReplicationCaughtUp();
            long pid = cluster.pid(1);

            ProcessHandle.of(pid).orElseThrow().destroyForcibly();
            execute(cluster, 0, "INSERT INTO app.t VALUES (2)");

            Awaitility.await("mysql-1 restarted").atMost(Duration.ofSeconds(60))
                    .until(() -> cluster.pid(1) != pid && cluster.isReady(1));
            new StatefulSetCluster(cluster).awaitReplicationCaughtUp();
            assertEquals(2, count(cluster, 1, "app.t"));
        } finally {
            cluster.close();
        }
    }

    @Test
    void scaleDownStopsTheHighestOrdinalsAndScaleUpReusesTheirData() throws SQLException {
        LocalStatefulSet cluster = LocalClusters.start(3);
        try {
            execute(cluster, 0, "CREATE DATABASE app", "CREATE TABLE app.t (id INT PRIMARY KEY)", "INSERT INTO app.t VALUES (1)");
            new StatefulSetCluster(cluster).awaitReplicationCaughtUp();
            // a row on mysql-1's volume only (not replicated, not on mysql-0): a re-clone would not have it
            Sql.execute(cluster.endpoint(1).adminJdbcUrl(), Duration.ofSeconds(10), "SET sql_log_bin = 0",
                    "CREATE DATABASE volume_of_mysql_1", "CREATE TABLE volume_of_mysql_1.marker (id INT PRIMARY KEY)",
                    "INSERT INTO volume_of_mysql_1.marker VALUES (7)");
            ProcessHandle second = ProcessHandle.of(cluster.pid(1)).orElseThrow();
            ProcessHandle third = ProcessHandle.of(cluster.pid(2)).orElseThrow();

            cluster.scale(1);

            assertEquals(1, cluster.replicas());
            assertFalse(second.isAlive() || third.isAlive(), "mysql-1 and mysql-2 are stopped");
            execute(cluster, 0, "INSERT INTO app.t VALUES (2)");

            cluster.scale(2);

            assertEquals(1, count(cluster, 1, "volume_of_mysql_1.marker WHERE id = 7"),
                    "mysql-1 came back on its own volume, not on a new clone of mysql-0");
            assertEquals(0, count(cluster, 0, "information_schema.SCHEMATA WHERE SCHEMA_NAME = 'volume_of_mysql_1'"));
            new StatefulSetCluster(cluster).awaitReplicationCaughtUp();
            assertEquals(2, count(cluster, 1, "app.t"), "mysql-1 kept its volume and caught up");
        } finally {
            cluster.close();
        }
    }

    @Test
    void closeStopsEveryServerAndRemovesTheDataUnlessAskedToKeepIt() throws java.io.IOException {
        LocalStatefulSet removed = LocalClusters.start(1);
        Path removedDir = removed.pod(0).directory().root().getParent();
        ProcessHandle removedServer = ProcessHandle.of(removed.pid(0)).orElseThrow();
        removed.close(false);
        assertFalse(removedServer.isAlive());
        assertFalse(Files.exists(removedDir));

        LocalStatefulSet kept = LocalClusters.start(1);
        Path keptDir = kept.pod(0).directory().root().getParent();
        ProcessHandle keptServer = ProcessHandle.of(kept.pid(0)).orElseThrow();
        kept.close(true);
        assertFalse(keptServer.isAlive());
        assertFalse(Files.exists(keptDir), "moved out of the run directory, which goes when the JVM ends");
        Path keptRoot = Stores.of(dev.mysqlsts.backend.Settings.systemProperties()).kept();
        try (var kepts = Files.list(keptRoot)) {
            Path moved = kepts.filter(p -> p.getFileName().toString().startsWith(keptDir.getFileName() + "-"))
                    .findFirst().orElseThrow();
            assertTrue(Files.isDirectory(moved.resolve("mysql-0").resolve("data").resolve("mysql")));
            assertTrue(Files.size(moved.resolve("mysql-0").resolve("error.log")) > 0);
            Directories.deleteRecursively(moved);
        }
    }
}
