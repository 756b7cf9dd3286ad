package dev.mysqlsts.manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mysqlsts.manifest.ClusterSpec.ProbeSpec;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Manifests a user writes for their own service: other names, other keys, one file. */
class UserManifestsTest {

    @AfterEach
    void clearProperties() {
        System.clearProperty(ManifestLoader.LEADER_CONFIG_KEY_PROPERTY);
        System.clearProperty(ManifestLoader.FOLLOWER_CONFIG_KEY_PROPERTY);
    }

    @Test
    void ownNamesAreTakenFromTheStatefulSetAndItsServices() {
        ClusterSpec spec = ManifestLoader.load(Fixtures.path("user-db").toString(), -1);

        assertEquals("db", spec.statefulSetName());
        assertEquals("db-hl", spec.serviceName());
        assertEquals("db-reads", spec.readServiceName(), "the Service selecting app=db, not the cache's");
        assertEquals(2, spec.replicas());
        assertEquals("db-1.db-hl", spec.podHost(1));
        assertEquals("primary.cnf", spec.leaderConfig().key());
        assertTrue(spec.leaderConfig().content().contains("binlog_format=ROW"));
        assertEquals("replica.cnf", spec.followerConfig().key());
    }

    @Test
    void mysqlContainerIsTheOneWithPort3306AndMissingTimingsAreKubernetesDefaults() {
        ClusterSpec spec = ManifestLoader.load(Fixtures.path("user-db").toString(), -1);

        assertEquals(3306, spec.port());
        assertEquals(new ProbeSpec(List.of("mysqladmin", "status"), 0, 3, 1, 3), spec.readiness());
        assertNull(spec.liveness());
    }

    @Test
    void onlyYamlFilesOfTheDirectoryAreRead() {
        ClusterSpec spec = ManifestLoader.load(Fixtures.path("user-db").toString(), -1);

        assertEquals(List.of("ConfigMap/db-config", "Service/db-hl", "Service/cache", "Service/db-reads",
                "StatefulSet/db"), spec.objects().stream().map(SeedManifestsTest::id).toList());
    }

    @Test
    void unusualKeysAreChosenByTheInitScript() {
        ClusterSpec spec = ManifestLoader.load("classpath:manifests-fixtures/init-script-keys", -1);

        assertEquals("writer.cnf", spec.leaderConfig().key());
        assertTrue(spec.leaderConfig().content().contains("log-bin"));
        assertEquals("reader.cnf", spec.followerConfig().key());
        assertTrue(spec.followerConfig().content().contains("super-read-only"));
        assertEquals(1, spec.replicas(), "spec.replicas is absent: Kubernetes' default");
        assertNull(spec.readServiceName());
    }

    @Test
    void systemPropertiesOverrideTheInitScript() {
        System.setProperty(ManifestLoader.LEADER_CONFIG_KEY_PROPERTY, "common.cnf");
        System.setProperty(ManifestLoader.FOLLOWER_CONFIG_KEY_PROPERTY, "reader.cnf");

        ClusterSpec spec = ManifestLoader.load("classpath:manifests-fixtures/init-script-keys", -1);

        assertEquals("common.cnf", spec.leaderConfig().key());
        assertEquals("reader.cnf", spec.followerConfig().key());
    }

    @Test
    void keysThatOnlyTheUserKnowsComeFromSystemProperties() {
        System.setProperty(ManifestLoader.LEADER_CONFIG_KEY_PROPERTY, "one.cnf");
        System.setProperty(ManifestLoader.FOLLOWER_CONFIG_KEY_PROPERTY, "many.cnf");

        ClusterSpec spec = ManifestLoader.load("classpath:manifests-fixtures/property-keys/cluster.yaml", -1);

        assertEquals("my-sql", spec.statefulSetName());
        assertEquals("one.cnf", spec.leaderConfig().key());
        assertTrue(spec.leaderConfig().content().contains("log-bin"));
        assertEquals("many.cnf", spec.followerConfig().key());
        assertEquals("my-sql-0", spec.podName(0));
    }

    @Test
    void withoutThePropertiesUnknownKeysAreAnErrorThatSaysWhichPropertiesToSet() {
        ManifestException e = assertThrows(ManifestException.class,
                () -> ManifestLoader.load("classpath:manifests-fixtures/property-keys", -1));

        String message = e.getMessage();
        assertTrue(message.contains("ConfigMap my-sql"), message);
        assertTrue(message.contains("cluster.yaml"), message);
        assertTrue(message.contains("[many.cnf, one.cnf]"), message);
        assertTrue(message.contains("-Dmysqlsts.leaderConfigKey=<key>"), message);
        assertTrue(message.contains("-Dmysqlsts.followerConfigKey=<key>"), message);
    }

    @Test
    void aPropertyNamingNoKeyIsAnError() {
        System.setProperty(ManifestLoader.LEADER_CONFIG_KEY_PROPERTY, "primary.cnf");

        ManifestException e = assertThrows(ManifestException.class,
                () -> ManifestLoader.load(Fixtures.SEED_CLASSPATH, -1));

        String message = e.getMessage();
        assertTrue(message.contains("mysqlsts.leaderConfigKey=primary.cnf"), message);
        assertTrue(message.contains("[master.cnf, slave.cnf]"), message);
        assertTrue(message.contains("mysql-configmap.yml"), message);
    }

    @Test
    void aSingleFileWithEveryKindAndAWellKnownPair() {
        ClusterSpec spec = ManifestLoader.load(Fixtures.path("single-file/mysql.yaml").toString(), -1);

        assertEquals(1, spec.replicas());
        assertEquals(3307, spec.port());
        assertEquals("leader.cnf", spec.leaderConfig().key());
        assertEquals("follower.cnf", spec.followerConfig().key());
        assertEquals(ProbeSpec.selectOneOverTcp(), spec.readiness(), "no readiness probe: SELECT 1 over TCP");
        assertEquals(new ProbeSpec(List.of("mysqladmin", "ping"), 0, 7, 1, 3), spec.liveness(),
                "a tcpSocket probe keeps its timings");
    }
}
