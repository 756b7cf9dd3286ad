package dev.mysqlsts.k3s;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mysqlsts.manifest.ClusterSpec;
import dev.mysqlsts.manifest.ManifestLoader;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The readiness waiter against a mock API server where the test is the StatefulSet controller and the
 * kubelet: it passes when pods become Ready in order, and otherwise fails saying which pod and why.
 */
@EnableKubernetesMockClient(crud = true)
class OrderedReadinessTest {

    KubernetesMockServer server;
    KubernetesClient client;
    MockCluster cluster;

    @TempDir
    Path diagnostics;

    private final ClusterSpec spec = ManifestLoader.load("", 3);

    @BeforeEach
    void k3sLikeCluster() {
        cluster = new MockCluster(server, client);
    }

    @Test
    void podsReadyInOrdinalOrderGiveARunningClusterWithAnEndpointPerOrdinal() {
        String ns = "mysqlsts-order-ok";
        CompletableFuture<K3sStatefulSet> deployment = MockCluster.deployAsync(deployer(Duration.ofSeconds(20)), spec, ns);

        cluster.kubelet(ns).bringUpInOrder("mysql");

        try (K3sStatefulSet running = MockCluster.outcome(deployment)) {
            assertEquals(3, running.replicas());
            for (int n = 0; n < 3; n++) {
                assertTrue(running.isReady(n), "mysql-" + n + " is Ready");
                assertEquals("mysql-" + n, running.endpoint(n).name());
                assertEquals("127.0.0.1", running.endpoint(n).host(), "endpoints listen on the loopback address only");
            }
        }
    }

    @Test
    void aPodCreatedBeforeItsPredecessorIsReadyFailsNamingBothPods() {
        String ns = "mysqlsts-order-bad";
        CompletableFuture<K3sStatefulSet> deployment = MockCluster.deployAsync(deployer(MockCluster.PATIENCE), spec, ns);
        FakeKubelet kubelet = cluster.kubelet(ns);
        StatefulSet sts = kubelet.awaitStatefulSet("mysql");

        kubelet.createPod(sts, 0);          // Pending, not Ready
        kubelet.createPod(sts, 1);          // a broken controller goes on anyway

        K3sBackendException failure = assertThrows(K3sBackendException.class, () -> MockCluster.outcome(deployment));
        assertAll(
                () -> assertTrue(failure.getMessage().contains("pod mysql-1 was created before mysql-0 was Ready"),
                        failure.getMessage()),
                () -> assertTrue(failure.getMessage().contains("mysql-0: Pending"), failure.getMessage()),
                () -> assertNull(client.namespaces().withName(ns).get(), "a failed start leaves no namespace behind"));
    }

    @Test
    void aCrashLoopingInitContainerFailsAtOnceWithThePodsEventsAndLogs() {
        String ns = "mysqlsts-crash";
        // the startup timeout is long: only failing fast ends this test early with this message
        CompletableFuture<K3sStatefulSet> deployment = MockCluster.deployAsync(deployer(MockCluster.PATIENCE), spec, ns);
        FakeKubelet kubelet = cluster.kubelet(ns);
        StatefulSet sts = kubelet.awaitStatefulSet("mysql");
        kubelet.createPod(sts, 0);
        kubelet.ready("mysql-0");
        kubelet.createPod(sts, 1);
        kubelet.event("mysql-1", "Warning", "BackOff", "Back-off restarting failed container clone-mysql in pod mysql-1");
        kubelet.log("mysql-1", "init-mysql", "+ echo server-id=101\n", false);
        kubelet.log("mysql-1", "clone-mysql", "Ncat: Connection refused.\nxbstream: empty stream\n", true);
        kubelet.log("mysql-1", "clone-mysql", "", false);
        kubelet.emptyLogsForTheRest("mysql-1");

        kubelet.initContainerCrashLoops("mysql-1", "clone-mysql");

        K3sBackendException failure = assertThrows(K3sBackendException.class, () -> MockCluster.outcome(deployment));
        String message = failure.getMessage();
        assertAll(
                () -> assertTrue(message.contains("pod mysql-1 (StatefulSet mysql, namespace " + ns + ") cannot become Ready: "
                        + "init container clone-mysql is waiting CrashLoopBackOff"), message),
                () -> assertTrue(message.contains("after exiting with code 1 (image gcr.io/google-samples/xtrabackup:1.0, "
                        + "restarts 1): a crash loop, not a transient failure: it crashed 2 times, the kubelet restarting it "
                        + "in between (mysqlsts.k3s.toleratedRestarts=0)\nLast lines of clone-mysql's log:\n"
                        + "  Ncat: Connection refused.\n"), message),
                () -> assertTrue(message.contains("Warning BackOff: Back-off restarting failed container clone-mysql"), message),
                () -> assertTrue(message.contains("--- mysql-1/clone-mysql (previous run) ---\nNcat: Connection refused.\n"
                        + "xbstream: empty stream\n"), message),
                () -> assertTrue(message.contains("--- mysql-1/init-mysql ---\n+ echo server-id=101\n"),
                        "init containers' logs too: " + message),
                () -> assertTrue(message.contains("--- mysql-1/mysql ---\n(empty)\n--- mysql-1/xtrabackup ---\n(empty)\n"),
                        message),
                () -> assertNull(client.namespaces().withName(ns).get(), "a failed start leaves no namespace behind"));
    }

    @Test
    void anInitScriptCallingAProgramItsImageLacksFailsInACrashLoopWithItsExitCodeAndLogTail() {
        String ns = "mysqlsts-init-error";
        // the default patience: two restarts, as the kubelet restarts a crashed container at once, then after 10 s
        CompletableFuture<K3sStatefulSet> deployment = MockCluster.deployAsync(cluster.deployer(MockCluster.settings(
                MockCluster.PATIENCE, diagnostics, K3sSettings.DEFAULT_TOLERATED_RESTARTS)), spec, ns);
        FakeKubelet kubelet = cluster.kubelet(ns);
        StatefulSet sts = kubelet.awaitStatefulSet("mysql");
        kubelet.createPod(sts, 0);
        // what mysql:5.7's init-mysql printed with the seed's script (kubernetes/website#35432), at every run
        String log = "++ hostname\nbash: line 2: hostname: command not found\n+ [[ '' =~ -([0-9]+)$ ]]\n+ exit 1\n";
        kubelet.log("mysql-0", "init-mysql", log, true);
        kubelet.log("mysql-0", "init-mysql", "", false);
        kubelet.emptyLogsForTheRest("mysql-0");

        kubelet.initContainerFails("mysql-0", "init-mysql", 1);            // the first crash is retried
        kubelet.initContainerCrashLoops("mysql-0", "init-mysql", 1);       // so is the second
        kubelet.initContainerCrashLoops("mysql-0", "init-mysql", 2);       // the third: a crash loop

        K3sBackendException failure = assertThrows(K3sBackendException.class, () -> MockCluster.outcome(deployment));
        String message = failure.getMessage();
        assertAll(
                () -> assertTrue(message.startsWith("K3S: pod mysql-0 (StatefulSet mysql, namespace " + ns + ") cannot "
                        + "become Ready: init container init-mysql is waiting CrashLoopBackOff (back-off 10s restarting "
                        + "failed container=init-mysql) after exiting with code 1 (image mysql:5.7.44, restarts 2): a crash "
                        + "loop, not a transient failure: it crashed 3 times"), message),
                () -> assertTrue(message.contains("Last lines of init-mysql's log:\n  ++ hostname\n"
                        + "  bash: line 2: hostname: command not found\n"), message),
                () -> assertNull(client.namespaces().withName(ns).get(), "a failed start leaves no namespace behind"));
    }

    @Test
    void aTransientInitContainerFailureIsRetriedAsTheKubeletDoes() {
        String ns = "mysqlsts-init-transient";
        CompletableFuture<K3sStatefulSet> deployment = MockCluster.deployAsync(cluster.deployer(MockCluster.settings(
                MockCluster.PATIENCE, diagnostics, K3sSettings.DEFAULT_TOLERATED_RESTARTS)), spec, ns);
        FakeKubelet kubelet = cluster.kubelet(ns);
        StatefulSet sts = kubelet.awaitStatefulSet("mysql");
        kubelet.createPod(sts, 0);
        kubelet.ready("mysql-0");
        kubelet.createPod(sts, 1);
        // the clone found mysql-0's sidecar not listening yet, once; its restart clones
        kubelet.initContainerFails("mysql-1", "clone-mysql", 1);
        kubelet.initContainerCrashLoops("mysql-1", "clone-mysql", 1);
        kubelet.ready("mysql-1");
        kubelet.createPod(sts, 2);
        kubelet.ready("mysql-2");

        K3sStatefulSet running = MockCluster.outcome(deployment);
        assertEquals(3, running.replicas());
        running.close();
    }

    @Test
    void startupTimeoutListsEveryPodAndNamesTheProperty() {
        String ns = "mysqlsts-timeout";
        CompletableFuture<K3sStatefulSet> deployment = MockCluster.deployAsync(deployer(Duration.ofMillis(500)), spec, ns);
        // the controller never creates a pod

        K3sBackendException failure = assertThrows(K3sBackendException.class, () -> MockCluster.outcome(deployment));
        String message = failure.getMessage();
        assertAll(
                () -> assertTrue(message.contains("not all 3 pods Ready after PT0.5S (mysqlsts.k3s.startupTimeout sets"),
                        message),
                () -> assertTrue(message.contains("mysql-0: not created yet"), message),
                () -> assertTrue(message.contains("mysql-2: not created yet"), message));
    }

    @Test
    void awaitReadyTimeoutListsThePodsWithTheirConditions() {
        String ns = "mysqlsts-await";
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata()
                .withName(ns).endMetadata().build()).create();
        FakeKubelet kubelet = cluster.kubelet(ns);
        StatefulSet sts = statefulSetOf(spec, ns);
        kubelet.createPod(sts, 0);
        kubelet.ready("mysql-0");
        kubelet.createPod(sts, 1);
        kubelet.runningNotReady("mysql-1");
        K3sStatefulSet running = new K3sStatefulSet("mysql#await", spec, client, ns, Map.of("app", "mysql"),
                MockCluster.settings(MockCluster.PATIENCE, diagnostics), (pod, port, socket) -> socket);

        K3sBackendException failure = assertThrows(K3sBackendException.class,
                () -> running.awaitReady(Duration.ofMillis(300)));

        String message = failure.getMessage();
        assertAll(
                () -> assertTrue(message.contains("not all 3 pods Ready after PT0.3S"), message),
                () -> assertTrue(message.contains("mysql-0: Running; conditions Ready=True"), message),
                () -> assertTrue(message.contains("mysql-1: Running; conditions Ready=False (ContainersNotReady: "
                        + "containers with unready status: [mysql])"), message),
                () -> assertTrue(message.contains("container mysql running, restarts 0"), message),
                () -> assertTrue(message.contains("mysql-2: not created yet"), message));
    }

    @Test
    void awaitReadyLeavesACrashingContainerToTheKubeletAndShowsItAtTheTimeout() {
        String ns = "mysqlsts-recover";
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).create();
        FakeKubelet kubelet = cluster.kubelet(ns);
        StatefulSet sts = statefulSetOf(spec, ns);
        kubelet.createPod(sts, 0);
        kubelet.initContainerCrashLoops("mysql-0", "clone-mysql");
        K3sStatefulSet running = new K3sStatefulSet("mysql#recover", spec, client, ns,
                Map.of("app", "mysql"), MockCluster.settings(MockCluster.PATIENCE, diagnostics), (pod, port, socket) -> socket);

        K3sBackendException failure = assertThrows(K3sBackendException.class,
                () -> running.awaitReady(Duration.ofMillis(300)));

        String message = failure.getMessage();
        assertAll(
                () -> assertTrue(message.contains("not all 3 pods Ready after PT0.3S"), message),
                () -> assertTrue(message.contains("init container clone-mysql waiting CrashLoopBackOff"), message));
    }

    /** The StatefulSet as the harness would apply it, created on the API server. */
    private StatefulSet statefulSetOf(ClusterSpec clusterSpec, String ns) {
        ManifestAdapter.Adapted adapted = ManifestAdapter.adapt(clusterSpec.objects(), new ManifestAdapter.Target(ns,
                "mysql", clusterSpec.replicas(), Set.of(), null, 1.0, ImageOverrides.none()));
        StatefulSet sts = adapted.objects().stream().filter(StatefulSet.class::isInstance).map(StatefulSet.class::cast)
                .findFirst().orElseThrow();
        return client.apps().statefulSets().inNamespace(ns).resource(sts).create();
    }

    private StatefulSetDeployer deployer(Duration startupTimeout) {
        return cluster.deployer(MockCluster.settings(startupTimeout, diagnostics));
    }
}
