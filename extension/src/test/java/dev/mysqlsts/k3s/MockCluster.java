package dev.mysqlsts.k3s;

import dev.mysqlsts.manifest.ClusterSpec;
import io.fabric8.kubernetes.api.model.storage.StorageClassBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Test fixture: a CRUD mock API server dressed as k3s (its local-path default StorageClass), and a deployer. */
final class MockCluster {

    /** What a test waits for at most before it calls the harness stuck; never reached when things work. */
    static final Duration PATIENCE = Duration.ofSeconds(30);

    final KubernetesMockServer server;
    final KubernetesClient client;

    MockCluster(KubernetesMockServer server, KubernetesClient client) {
        this.server = server;
        this.client = client;
        client.storage().v1().storageClasses().resource(new StorageClassBuilder()
                .withNewMetadata().withName("local-path")
                .addToAnnotations("storageclass.kubernetes.io/is-default-class", "true").endMetadata()
                .withProvisioner("rancher.io/local-path")
                .build()).createOr(existing -> existing.update());
    }

    /** Settings as in a K3S run: requests at a quarter, mysql:5.7 replaced by mysql:5.7.44. */
    static K3sSettings settings(Duration startupTimeout, Path diagnosticsDir) {
        return settings(startupTimeout, diagnosticsDir, 0);
    }

    /** The same, with {@code mysqlsts.k3s.toleratedRestarts} given. */
    static K3sSettings settings(Duration startupTimeout, Path diagnosticsDir, int toleratedRestarts) {
        return new K3sSettings(K3sSettings.DEFAULT_K3S_IMAGE, startupTimeout, 0.25,
                ImageOverrides.parse(K3sSettings.IMAGE_OVERRIDES, "mysql:5.7=mysql:5.7.44"), false, toleratedRestarts,
                diagnosticsDir, null, null);
    }

    /** Followers the deployer tuned ({@link FollowerTuning}), pod name each time. */
    final java.util.List<String> tuned = new java.util.concurrent.CopyOnWriteArrayList<>();

    StatefulSetDeployer deployer(K3sSettings settings) {
        return new StatefulSetDeployer(client, settings, ImageLoader.PULL, namespace -> (pod, port, socket) -> socket)
                .withFollowerTuner((pod, url) -> tuned.add(pod));
    }

    FakeKubelet kubelet(String namespace) {
        return new FakeKubelet(server, client, namespace);
    }

    /** Starts the deployment in the background, as the JUnit glue's thread would block on it. */
    static CompletableFuture<K3sStatefulSet> deployAsync(StatefulSetDeployer deployer, ClusterSpec spec, String namespace) {
        return CompletableFuture.supplyAsync(() -> deployer.deploy(spec, "mysql#test", namespace));
    }

    /** The deployment's result, or the exception it failed with. */
    static K3sStatefulSet outcome(CompletableFuture<K3sStatefulSet> deployment) {
        try {
            return deployment.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new AssertionError(e.getCause());
        } catch (InterruptedException | TimeoutException e) {
            throw new AssertionError("the deployment did not finish", e);
        }
    }
}
