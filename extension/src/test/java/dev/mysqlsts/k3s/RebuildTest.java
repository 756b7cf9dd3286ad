package dev.mysqlsts.k3s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mysqlsts.manifest.ManifestLoader;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * rebuild(n) on K3S: the pod's volume claim and the pod are deleted through the API; the test plays the
 * StatefulSet controller (a new claim from the template, a new pod) and the kubelet (Ready).
 */
@EnableKubernetesMockClient(crud = true)
class RebuildTest {

    private static final String NS = "mysqlsts-rebuild";

    KubernetesMockServer server;
    KubernetesClient client;
    MockCluster cluster;
    FakeKubelet kubelet;
    K3sStatefulSet running;
    StatefulSet sts;

    @TempDir
    Path diagnostics;

    @BeforeEach
    void threeReadyPodsWithTheirClaims() {
        cluster = new MockCluster(server, client);
        var deployment = MockCluster.deployAsync(cluster.deployer(MockCluster.settings(Duration.ofSeconds(20),
                diagnostics)), ManifestLoader.load("", 3), NS);
        kubelet = cluster.kubelet(NS);
        sts = kubelet.awaitStatefulSet("mysql");
        for (int n = 0; n < 3; n++) {
            claim("data-mysql-" + n);
            kubelet.createPod(sts, n);
            kubelet.runningNotReady("mysql-" + n);
            kubelet.network("mysql-" + n, "10.42.0.1" + n, "c0de0" + n);
            kubelet.ready("mysql-" + n);
        }
        running = MockCluster.outcome(deployment);
    }

    @Test
    void rebuildDeletesTheClaimAndThePodAndReturnsOnceTheNewPodIsReadyOnANewClaim() throws Exception {
        String oldClaim = claimUid("data-mysql-1");
        String oldPod = kubelet.get("mysql-1").getMetadata().getUid();
        cluster.tuned.clear();

        CompletableFuture<Void> rebuild = CompletableFuture.runAsync(() -> running.rebuild(1, 0));
        awaitGone("mysql-1", rebuild);
        assertNull(client.persistentVolumeClaims().inNamespace(NS).withName("data-mysql-1").get(),
                "the claim is deleted with the pod");
        assertTrue(claimUid("data-mysql-0") != null && claimUid("data-mysql-2") != null, "the others keep theirs");
        claim("data-mysql-1"); // the controller: a new claim from the template, then the pod
        kubelet.createPod(sts, 1);
        kubelet.runningNotReady("mysql-1");
        kubelet.network("mysql-1", "10.42.0.21", "c0de11");
        kubelet.ready("mysql-1");

        join(rebuild);
        assertNotEquals(oldClaim, claimUid("data-mysql-1"));
        assertNotEquals(oldPod, kubelet.get("mysql-1").getMetadata().getUid());
        assertTrue(cluster.tuned.contains("mysql-1"), "the new follower gets the short net timeout: " + cluster.tuned);
        assertEquals(List.of(), cluster.tuned.stream().filter(pod -> !pod.equals("mysql-1")).toList(),
                "followers whose container did not change are not tuned again");
    }

    @Test
    void anotherSourceIsRefused() { // the ordinal itself is checked by MySqlCluster.rebuild (RebuildAndHealTest)
        IllegalArgumentException source = assertThrows(IllegalArgumentException.class, () -> running.rebuild(2, 1));
        assertTrue(source.getMessage().contains("always replicates from mysql-0"), source.getMessage());
        assertTrue(claimUid("data-mysql-2") != null, "nothing was deleted");
    }

    @Test
    void theFollowersWereTunedOnceWhenTheClusterCameUp() {
        assertEquals(List.of("mysql-1", "mysql-2"), cluster.tuned, "followers only, each once");
        running.awaitReady(Duration.ofSeconds(5));
        assertEquals(List.of("mysql-1", "mysql-2"), cluster.tuned, "the same containers are not tuned again");
    }

    @Test
    void aFollowerWhoseContainerRestartsIsTunedAgainWithoutAwaitReady() {
        cluster.tuned.clear();

        kubelet.network("mysql-2", "10.42.0.12", "c0de02-restarted");  // killed, or restarted by its liveness probe

        Awaitility.await("mysql-2 tuned again").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                .until(() -> cluster.tuned.contains("mysql-2"));
        assertEquals(List.of("mysql-2"), cluster.tuned, "only the follower whose container changed");
    }

    private void claim(String name) {
        client.persistentVolumeClaims().inNamespace(NS).resource(new PersistentVolumeClaimBuilder()
                .withNewMetadata().withName(name).endMetadata()
                .withNewSpec().withAccessModes("ReadWriteOnce").withNewResources()
                .addToRequests("storage", new io.fabric8.kubernetes.api.model.Quantity("10Gi")).endResources()
                .endSpec().build()).create();
    }

    private String claimUid(String name) {
        PersistentVolumeClaim pvc = client.persistentVolumeClaims().inNamespace(NS).withName(name).get();
        return pvc == null ? null : pvc.getMetadata().getUid();
    }

    private void awaitGone(String podName, CompletableFuture<Void> fault) throws Exception {
        long deadline = System.nanoTime() + MockCluster.PATIENCE.toNanos();
        while (kubelet.get(podName) != null) {
            if (fault.isDone() || System.nanoTime() > deadline) {
                join(fault);
                throw new AssertionError(podName + " was not deleted");
            }
            Thread.sleep(10);
        }
    }

    private static void join(CompletableFuture<Void> future) throws Exception {
        try {
            future.get(MockCluster.PATIENCE.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new AssertionError(e.getCause());
        } catch (TimeoutException e) {
            throw new AssertionError("rebuild did not return", e);
        }
    }
}
