package dev.mysqlsts.k3s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.mysqlsts.manifest.ClusterSpec;
import dev.mysqlsts.manifest.ManifestLoader;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What reaches the API server when manifests are applied: the adapted copies, in the cluster's namespace. */
@EnableKubernetesMockClient(crud = true)
class AppliedManifestsTest {

    KubernetesMockServer server;
    KubernetesClient client;
    MockCluster cluster;

    @TempDir
    Path diagnostics;

    @BeforeEach
    void k3sLikeCluster() {
        cluster = new MockCluster(server, client);
    }

    @Test
    void bundledManifestsGetNamespaceReplicasSmallerRequestsAndOverriddenImages() {
        ClusterSpec spec = ManifestLoader.load("", 2);
        String ns = "mysqlsts-bundled-1";

        K3sStatefulSet running = deploy(spec, ns);

        StatefulSet sts = client.apps().statefulSets().inNamespace(ns).withName("mysql").get();
        assertEquals(2, sts.getSpec().getReplicas(), "replicas from the annotation, not the manifests' 3");
        assertNull(sts.getSpec().getVolumeClaimTemplates().get(0).getSpec().getStorageClassName(),
                "no class in the manifests: the cluster's default applies, nothing to replace");
        assertEquals(Map.of("cpu", new Quantity("125m"), "memory", new Quantity("256Mi")),
                container(sts, "mysql").getResources().getRequests(), "500m and 1Gi times 0.25");
        assertEquals(Map.of("cpu", new Quantity("25m"), "memory", new Quantity("25Mi")),
                container(sts, "xtrabackup").getResources().getRequests(), "100m and 100Mi times 0.25");
        assertEquals("mysql:5.7.44", container(sts, "mysql").getImage());
        assertEquals("mysql:5.7.44", initContainer(sts, "init-mysql").getImage());
        assertEquals("gcr.io/google-samples/xtrabackup:1.0", container(sts, "xtrabackup").getImage(),
                "images without an override are kept");
        assertNotNull(client.configMaps().inNamespace(ns).withName("mysql").get(), "the ConfigMap is in the namespace");
        assertNotNull(client.services().inNamespace(ns).withName("mysql").get());
        assertNotNull(client.services().inNamespace(ns).withName("mysql-read").get());
        running.close();
    }

    @Test
    void seedFilesGetTheDefaultStorageClassInsteadOfOneTheClusterLacks() {
        ClusterSpec spec = ManifestLoader.load("classpath:manifests-fixtures/seed", -1);
        String ns = "mysqlsts-seed-1";

        K3sStatefulSet running = deploy(spec, ns);

        StatefulSet sts = client.apps().statefulSets().inNamespace(ns).withName("mysql").get();
        assertEquals("local-path", sts.getSpec().getVolumeClaimTemplates().get(0).getSpec().getStorageClassName(),
                "mysql-gp2 (AWS EBS) does not exist in k3s; local-path is its default class");
        assertEquals(3, sts.getSpec().getReplicas());
        assertEquals(Map.of("cpu", new Quantity("125m"), "memory", new Quantity("256Mi")),
                container(sts, "mysql").getResources().getRequests());
        assertEquals("mysql:5.7.44", container(sts, "mysql").getImage());
        assertNotNull(client.configMaps().inNamespace(ns).withName("mysql-config").get());
        assertEquals(List.of("mysql", "mysql-read"), client.services().inNamespace(ns).list().getItems().stream()
                .map(s -> s.getMetadata().getName()).sorted().toList());

        StatefulSet original = (StatefulSet) spec.objects().stream().filter(o -> o instanceof StatefulSet).findFirst()
                .orElseThrow();
        assertEquals("mysql-gp2", original.getSpec().getVolumeClaimTemplates().get(0).getSpec().getStorageClassName(),
                "the manifests themselves are not changed");
        assertEquals("mysql:5.7", original.getSpec().getTemplate().getSpec().getContainers().get(0).getImage());
        running.close();
    }

    @Test
    void namespaceIsCreatedForTheClusterAndDeletedOnClose() {
        String ns = "mysqlsts-lifecycle-1";

        K3sStatefulSet running = deploy(ManifestLoader.load("", 1), ns);

        Namespace namespace = client.namespaces().withName(ns).get();
        assertNotNull(namespace, "the cluster's namespace exists while it runs");
        assertEquals("mysql-statefulset-junit", namespace.getMetadata().getLabels().get("app.kubernetes.io/managed-by"));
        assertEquals(ns, running.namespace());

        running.close();

        assertNull(client.namespaces().withName(ns).get(), "close deletes the namespace");
    }

    private K3sStatefulSet deploy(ClusterSpec spec, String ns) {
        StatefulSetDeployer deployer = cluster.deployer(MockCluster.settings(Duration.ofSeconds(20), diagnostics));
        var deployment = MockCluster.deployAsync(deployer, spec, ns);
        cluster.kubelet(ns).bringUpInOrder(spec.statefulSetName());
        return MockCluster.outcome(deployment);
    }

    private static Container container(StatefulSet sts, String name) {
        return sts.getSpec().getTemplate().getSpec().getContainers().stream().filter(c -> c.getName().equals(name))
                .findFirst().orElseThrow();
    }

    private static Container initContainer(StatefulSet sts, String name) {
        return sts.getSpec().getTemplate().getSpec().getInitContainers().stream().filter(c -> c.getName().equals(name))
                .findFirst().orElseThrow();
    }
}
