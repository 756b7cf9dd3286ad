package dev.mysqlsts.k3s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mysqlsts.manifest.ManifestLoader;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Scaling sets spec.replicas on the API server and waits for the controller, checking its order. */
@EnableKubernetesMockClient(crud = true)
class ScaleTest {

    KubernetesMockServer server;
    KubernetesClient client;
    MockCluster cluster;
    FakeKubelet kubelet;
    K3sStatefulSet running;

    @TempDir
    Path diagnostics;

    @BeforeEach
    void threeReadyPods() {
        cluster = new MockCluster(server, client);
        var deployment = MockCluster.deployAsync(cluster.deployer(MockCluster.settings(Duration.ofSeconds(20), diagnostics)),
                ManifestLoader.load("", 3), "mysqlsts-scale");
        kubelet = cluster.kubelet("mysqlsts-scale");
        kubelet.bringUpInOrder("mysql");
        running = MockCluster.outcome(deployment);
    }

    @Test
    void scalingUpReturnsOnceTheNewPodIsReady() {
        CompletableFuture<Void> scaling = CompletableFuture.runAsync(() -> running.scale(4));
        StatefulSet sts = awaitReplicas(r -> r == 4);
        kubelet.createPod(sts, 3);
        kubelet.ready("mysql-3");

        join(scaling);
        assertEquals(4, running.replicas());
        assertTrue(running.isReady(3));
        assertEquals("mysql-3", running.endpoint(3).name());
        running.close();
    }

    @Test
    void scalingDownReturnsOnceTheHighestPodsAreGoneHighestFirst() {
        CompletableFuture<Void> scaling = CompletableFuture.runAsync(() -> running.scale(1));
        awaitReplicas(r -> r == 1);
        client.pods().inNamespace("mysqlsts-scale").withName("mysql-2").delete();
        client.pods().inNamespace("mysqlsts-scale").withName("mysql-1").delete();

        join(scaling);
        assertEquals(1, running.replicas());
        running.close();
    }

    @Test
    void aLowerPodRemovedBeforeAHigherOneFailsNamingBoth() {
        CompletableFuture<Void> scaling = CompletableFuture.runAsync(() -> running.scale(1));
        awaitReplicas(r -> r == 1);
        client.pods().inNamespace("mysqlsts-scale").withName("mysql-1").delete();

        K3sBackendException failure = assertThrows(K3sBackendException.class, () -> join(scaling));
        assertTrue(failure.getMessage().contains("pod mysql-1 was deleted while mysql-2 still existed"),
                failure.getMessage());
        running.close();
    }

    private StatefulSet awaitReplicas(IntPredicate wanted) {
        return client.apps().statefulSets().inNamespace("mysqlsts-scale").withName("mysql")
                .waitUntilCondition(s -> s != null && wanted.test(s.getSpec().getReplicas()),
                        MockCluster.PATIENCE.toSeconds(), TimeUnit.SECONDS);
    }

    private static void join(CompletableFuture<Void> scaling) {
        try {
            scaling.get(MockCluster.PATIENCE.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new AssertionError(e.getCause());
        } catch (InterruptedException | TimeoutException e) {
            throw new AssertionError("scaling did not finish", e);
        }
    }
}
