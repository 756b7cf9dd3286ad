package dev.mysqlsts.local;

import static dev.mysqlsts.local.LocalClusters.count;
import static dev.mysqlsts.local.LocalClusters.execute;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mysqlsts.backend.PodEndpoint;
import dev.mysqlsts.backend.Settings;
import dev.mysqlsts.cluster.StatefulSetCluster;
import dev.mysqlsts.replication.Sql;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Item 5 of issue 7: processes and ports under races. A close() that meets a crash restart, a pod whose old port
 * another server took, and the per-cluster admin secret that keeps the harness from trusting a foreign server.
 */
class PortsAndRestartsTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @TempDir
    Path scratch;

    /**
     * The successor of a crashed server is held in its start (its init file sleeps), so close() meets the
     * restart in the middle for sure; afterwards no server of the cluster runs.
     */
    @Test
    void closeDuringACrashRestartLeavesNoServerRunning() throws Exception {
        LocalStatefulSet cluster = LocalClusters.start(2);
        Path clusterDir = cluster.pod(0).directory().root().getParent();
        try {
            Files.writeString(cluster.env().secret().initFile(), "SELECT SLEEP(600);\n", StandardOpenOption.APPEND);
            long crashed = cluster.pid(1);

            cluster.pod(1).signal("KILL");
            Awaitility.await("the supervisor to start a successor of pid " + crashed).atMost(Duration.ofSeconds(60))
                    .until(() -> cluster.pid(1) != crashed);
            assertFalse(cluster.isReady(1), "the successor is still starting");
            assertEquals(2, ChildJvm.serversUnder(clusterDir).size(), "mysql-0 and the starting successor of mysql-1");
        } finally {
            cluster.close();
        }
        assertEquals(List.of(), ChildJvm.serversUnder(clusterDir), "servers left running after close()");
    }

    /**
     * mysql-1 is down and another server (not this cluster's: root and the admin account with empty passwords, as
     * a harness without a secret would trust) takes its port. The pod's proxy refuses rather than reach it, the
     * probe does not pass on it, and the restarted pod moves to a new port, with its own data and replication.
     */
    @Test
    void aPodWhoseOldPortAnotherServerTookMovesToANewPortAndNeverTalksToThatServer() throws Exception {
        LocalStatefulSet cluster = LocalClusters.start(2);
        ServerProcess stranger = null;
        try {
            execute(cluster, 0, "CREATE DATABASE app", "CREATE TABLE app.t (id INT PRIMARY KEY)", "INSERT INTO app.t VALUES (1)");
            new StatefulSetCluster(cluster).awaitReplicationCaughtUp();
            int oldPort = cluster.pod(1).serverAddress().getPort();
            PodEndpoint ownServer = cluster.pod(1).serverEndpoint();
            cluster.pod(1).stop();

            stranger = startStranger(oldPort);
            String strangerRoot = "jdbc:mysql://127.0.0.1:" + oldPort + "/?user=root&password=&useSSL=false";

            SQLException refused = assertThrows(SQLException.class, () -> Sql.connect(cluster.endpoint(1).jdbcUrl(), TIMEOUT).close(),
                    "mysql-1's proxy reached the stranger on its old port");
            assertFalse(cluster.isReady(1), "the probe passed on a server that is not mysql-1's");
            assertEquals(ReadinessProbe.Result.FOREIGN_SERVER,
                    new ReadinessProbe(cluster.spec().readiness()).check(ownServer.adminJdbcUrl()),
                    "the stranger refuses the cluster's admin secret (" + refused.getMessage() + ")");

            cluster.recreate(1);

            int newPort = cluster.pod(1).serverAddress().getPort();
            assertNotEquals(oldPort, newPort, "mysql-1 moved away from the taken port");
            assertEquals("101", single(cluster.endpoint(1).jdbcUrl(), "SELECT @@server_id AS v"));
            assertEquals(1, count(cluster, 1, "app.t"), "mysql-1 kept its data");
            execute(cluster, 0, "INSERT INTO app.t VALUES (2)");
            new StatefulSetCluster(cluster).awaitReplicationCaughtUp();
            assertEquals(2, count(cluster, 1, "app.t"), "mysql-1 replicates from mysql-0 again");
            assertEquals("999", single(strangerRoot, "SELECT @@server_id AS v"));
            assertEquals("0", single(strangerRoot,
                    "SELECT COUNT(*) AS v FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = 'app'"), "nobody wrote to the stranger");
        } finally {
            cluster.close();
            if (stranger != null) {
                stranger.kill();
            }
        }
    }

    /**
     * The secret is set at every start, on followers too (read-only), without a binlog event; the harness's account
     * needs it, while users keep root with an empty password.
     */
    @Test
    void theAdminSecretIsSetOnEveryPodWithoutBinlogAndRootKeepsItsEmptyPassword() throws Exception {
        LocalStatefulSet cluster = LocalClusters.start(2);
        try {
            for (int ordinal = 0; ordinal < 2; ordinal++) {
                PodEndpoint endpoint = cluster.endpoint(ordinal);
                assertFalse(endpoint.adminPassword().isEmpty());
                assertEquals("1", single(endpoint.adminJdbcUrl(), "SELECT 1 AS v"));
                assertEquals(String.valueOf(100 + ordinal), single(endpoint.jdbcUrl(), "SELECT @@server_id AS v"));
                PodEndpoint noSecret = new PodEndpoint(ordinal, endpoint.name(), endpoint.host(), endpoint.port(), endpoint.adminUser());
                SQLException denied = assertThrows(SQLException.class, () -> Sql.connect(noSecret.adminJdbcUrl(), TIMEOUT).close());
                assertEquals(ReadinessProbe.ACCESS_DENIED, denied.getErrorCode(), denied.getMessage());
            }
            assertEquals("1", single(cluster.endpoint(1).jdbcUrl(), "SELECT @@read_only AS v"), "mysql-1 is a read-only follower");
            try (Connection leader = Sql.connect(cluster.endpoint(0).adminJdbcUrl(), TIMEOUT)) {
                for (Map<String, String> file : Sql.rows(leader, "SHOW BINARY LOGS")) {
                    for (Map<String, String> event : Sql.rows(leader, "SHOW BINLOG EVENTS IN '" + file.get("Log_name") + "'")) {
                        assertFalse(event.get("Info").contains(DataDirTemplate.ADMIN_USER), "binlogged: " + event);
                    }
                }
            }
        } finally {
            cluster.close();
        }
    }

    /** The admin secret needs the server's init-file: a ConfigMap that sets its own is refused before any start. */
    @Test
    void aConfigMapThatSetsInitFileIsRefusedBeforeAnyServerStarts() throws Exception {
        Path manifests = Files.createDirectories(scratch.resolve("manifests"));
        for (String file : List.of("mysql-services.yaml", "mysql-statefulset.yaml", "mysql-configmap.yaml")) {
            Files.copy(Path.of("..", "manifests", file), manifests.resolve(file));
        }
        Path configMap = manifests.resolve("mysql-configmap.yaml");
        Files.writeString(configMap, Files.readString(configMap).replace("    log-bin\n", "    log-bin\n    init-file=/tmp/setup.sql\n"));
        int before = ChildJvm.serversUnder(ProcessReaper.get().runDirectory()).size();

        LocalBackendException refused = assertThrows(LocalBackendException.class, () -> new LocalBackend()
                .start(dev.mysqlsts.manifest.ManifestLoader.load(manifests.toString(), 2), Settings.systemProperties()));

        assertTrue(refused.getMessage().contains("primary.cnf sets init-file"), refused.getMessage());
        assertEquals(before, ChildJvm.serversUnder(ProcessReaper.get().runDirectory()).size(), "no server was started");
    }

    /** A server of no cluster on {@code port}: the template's accounts (root and the admin, empty passwords). */
    private ServerProcess startStranger(int port) {
        ServerBinaries binaries = new ServerBinariesLocator(Settings.systemProperties()).locate();
        Path template = DataDirTemplate.ensure(binaries, CacheDirectory.of(Settings.systemProperties()));
        PodDirectory dir = new PodDirectory(scratch.resolve("stranger"));
        dir.root().toFile().mkdirs();
        Directories.copyTree(template, dir.data(), dir.consoleLog());
        ServerConfig.write(dir, binaries, "stranger", port, List.of("server-id=999"));
        ServerProcess server = ServerProcess.start(binaries, dir, "stranger", List.of());
        String url = "jdbc:mysql://127.0.0.1:" + port + "/?user=root&password=&useSSL=false";
        Awaitility.await("the stranger on port " + port).atMost(Duration.ofSeconds(60)).ignoreExceptions()
                .failFast("the stranger exited:\n" + Commands.tail(dir.errorLog(), 10), () -> !server.isAlive())
                .until(() -> "999".equals(single(url, "SELECT @@server_id AS v")));
        return server;
    }

    private static String single(String url, String query) {
        return Sql.rows(url, TIMEOUT, query).get(0).get("v");
    }
}
