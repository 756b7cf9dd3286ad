package dev.mysqlsts.manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mysqlsts.manifest.ClusterSpec.ProbeSpec;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The project's own manifests, packaged into the jar as the default ({@code manifests = ""}). */
class BundledManifestsTest {

    private final ClusterSpec spec = ManifestLoader.load("", -1);

    @Test
    void bundledManifestsHaveTheSeedsShape() {
        assertEquals("mysql", spec.statefulSetName());
        assertEquals("mysql", spec.serviceName());
        assertEquals("mysql-read", spec.readServiceName());
        assertEquals(3, spec.replicas());
        assertEquals(3306, spec.port());
        assertEquals("classpath:dev/mysqlsts/manifests", spec.source());
    }

    @Test
    void bundledConfigKeysArePrimaryAndReplica() {
        assertEquals("primary.cnf", spec.leaderConfig().key());
        assertTrue(spec.leaderConfig().content().contains("log-bin"));
        assertEquals("replica.cnf", spec.followerConfig().key());
        assertTrue(spec.followerConfig().content().contains("super-read-only"));
    }

    @Test
    void bundledProbesAreTheSeeds() {
        assertEquals(ProbeSpec.selectOneOverTcp(), spec.readiness());
        assertEquals(new ProbeSpec(List.of("mysqladmin", "ping"), 30, 10, 5, 3), spec.liveness());
    }

    @Test
    void bundledStatefulSetKeepsTheSeedsImagesAndUsesTheDefaultStorageClass() {
        StatefulSet statefulSet = spec.objects().stream().filter(StatefulSet.class::isInstance)
                .map(StatefulSet.class::cast).findFirst().orElseThrow();

        assertEquals(List.of("init-mysql:mysql:5.7", "clone-mysql:gcr.io/google-samples/xtrabackup:1.0"),
                statefulSet.getSpec().getTemplate().getSpec().getInitContainers().stream()
                        .map(BundledManifestsTest::nameAndImage).toList());
        assertEquals(List.of("mysql:mysql:5.7", "xtrabackup:gcr.io/google-samples/xtrabackup:1.0"),
                statefulSet.getSpec().getTemplate().getSpec().getContainers().stream()
                        .map(BundledManifestsTest::nameAndImage).toList());
        var claim = statefulSet.getSpec().getVolumeClaimTemplates().get(0);
        assertEquals("data", claim.getMetadata().getName());
        assertNull(claim.getSpec().getStorageClassName());
        assertEquals("10Gi", claim.getSpec().getResources().getRequests().get("storage").toString());
    }

    @Test
    void bundledFilesAreTheThreeOfTheManifestsDirectory() {
        assertEquals(List.of("ConfigMap/mysql", "Service/mysql", "Service/mysql-read", "StatefulSet/mysql"),
                spec.objects().stream().map(SeedManifestsTest::id).toList());
    }

    private static String nameAndImage(Container container) {
        return container.getName() + ":" + container.getImage();
    }
}
