package dev.mysqlsts.manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mysqlsts.manifest.ClusterSpec.ProbeSpec;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The seed's three listings, saved as they are printed, given as a user's manifests directory. */
class SeedManifestsTest {

    @Test
    void seedDirectoryGivesTheSeedsCluster() {
        ClusterSpec spec = ManifestLoader.load("src/test/resources/manifests-fixtures/seed", -1);

        assertEquals("mysql", spec.statefulSetName());
        assertEquals("mysql", spec.serviceName());
        assertEquals("mysql-read", spec.readServiceName());
        assertEquals(3, spec.replicas());
        assertEquals(3306, spec.port());
        assertEquals("mysql-2.mysql", spec.podHost(2));
    }

    @Test
    void seedConfigMapKeysAreMasterAndSlave() {
        ClusterSpec spec = ManifestLoader.load(Fixtures.SEED_CLASSPATH, -1);

        assertEquals("master.cnf", spec.leaderConfig().key());
        assertTrue(spec.leaderConfig().content().contains("log-bin"), spec.leaderConfig().content());
        assertEquals("slave.cnf", spec.followerConfig().key());
        assertTrue(spec.followerConfig().content().contains("super-read-only"), spec.followerConfig().content());
    }

    @Test
    void seedProbesAreReadWithTheirTimings() {
        ClusterSpec spec = ManifestLoader.load(Fixtures.SEED_CLASSPATH, -1);

        assertEquals(new ProbeSpec(List.of("mysql", "-h", "127.0.0.1", "-e", "SELECT 1"), 5, 2, 1, 3), spec.readiness());
        assertEquals(new ProbeSpec(List.of("mysqladmin", "ping"), 30, 10, 5, 3), spec.liveness());
    }

    @Test
    void everyObjectIsKeptInFileOrder() {
        ClusterSpec spec = ManifestLoader.load(Fixtures.SEED_CLASSPATH, -1);

        assertEquals(List.of("ConfigMap/mysql-config", "Service/mysql", "Service/mysql-read", "StatefulSet/mysql"),
                spec.objects().stream().map(SeedManifestsTest::id).toList());
        assertTrue(spec.source().endsWith("manifests-fixtures/seed"), spec.source());
    }

    @Test
    void seedFixtureIsTheSeedsTextUnchanged() {
        // the trailing spaces after the ConfigMap's name in the volume are part of the seed
        assertTrue(Fixtures.seedFile("mysql-statefulset.yml").contains("          name: mysql-config   \n"));
    }

    @Test
    void replicasOverrideReplacesSpecReplicas() {
        assertEquals(5, ManifestLoader.load(Fixtures.SEED_CLASSPATH, 5).replicas());
        assertEquals(1, ManifestLoader.load(Fixtures.SEED_CLASSPATH, 1).replicas());
    }

    static String id(HasMetadata object) {
        return object.getKind() + "/" + object.getMetadata().getName();
    }
}
