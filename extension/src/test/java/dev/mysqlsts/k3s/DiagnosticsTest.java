package dev.mysqlsts.k3s;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mysqlsts.manifest.ClusterSpec;
import dev.mysqlsts.manifest.ManifestLoader;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** After a failed test, a person finds every pod's status, the events and the containers' logs on disk. */
@EnableKubernetesMockClient(crud = true)
class DiagnosticsTest {

    KubernetesMockServer server;
    KubernetesClient client;

    @TempDir
    Path diagnostics;

    @Test
    void collectDiagnosticsWritesStatusEventsAndLogsOfEveryPod() throws IOException {
        MockCluster cluster = new MockCluster(server, client);
        ClusterSpec spec = ManifestLoader.load("", 2);
        String ns = "mysqlsts-diag";
        var deployment = MockCluster.deployAsync(cluster.deployer(MockCluster.settings(Duration.ofSeconds(20), diagnostics)),
                spec, ns);
        FakeKubelet kubelet = cluster.kubelet(ns);
        kubelet.bringUpInOrder("mysql");
        K3sStatefulSet running = MockCluster.outcome(deployment);
        kubelet.event("mysql-1", "Normal", "Pulled", "Container image \"mysql:5.7.44\" already present on machine");
        kubelet.log("mysql-1", "mysql", "2026-11-23T10:00:01Z 0 [Note] mysqld: ready for connections.\n", false);
        kubelet.log("mysql-1", "xtrabackup", "Initializing replication from clone position\n", false);
        kubelet.emptyLogsForTheRest("mysql-0", "mysql-1");

        running.collectDiagnostics("followerSeesLeaderWrites()");

        Path dir = diagnostics.resolve("mysql_test").resolve("followerSeesLeaderWrites_");
        assertAll(
                () -> assertTrue(Files.readString(dir.resolve("pods.txt")).contains("mysql-1: Running; conditions Ready=True"),
                        "pods.txt"),
                () -> assertTrue(Files.readString(dir.resolve("pods.txt")).contains("mysql-0: Running"), "pods.txt"),
                () -> assertTrue(Files.readString(dir.resolve("events.txt"))
                        .contains("Normal Pulled: Container image \"mysql:5.7.44\" already present on machine  [Pod/mysql-1]"),
                        "events.txt"),
                () -> assertEquals("2026-11-23T10:00:01Z 0 [Note] mysqld: ready for connections.\n",
                        Files.readString(dir.resolve("logs").resolve("mysql-1.mysql.log"))),
                () -> assertEquals("Initializing replication from clone position\n",
                        Files.readString(dir.resolve("logs").resolve("mysql-1.xtrabackup.log"))),
                () -> assertEquals("(empty)\n", Files.readString(dir.resolve("logs").resolve("mysql-1.clone-mysql.log")),
                        "init containers have their log file too"),
                () -> assertTrue(Files.readString(dir.resolve("pods").resolve("mysql-0.yaml")).contains("name: \"mysql-0\"")
                        || Files.readString(dir.resolve("pods").resolve("mysql-0.yaml")).contains("name: mysql-0"),
                        "the pod as the API server has it"),
                () -> assertTrue(Files.readString(dir.resolve("statefulset.yaml")).contains("replicas: 2"), "statefulset.yaml"));
        running.close();
    }
}
