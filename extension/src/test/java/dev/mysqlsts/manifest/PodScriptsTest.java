package dev.mysqlsts.manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the pod template's scripts and the StatefulSet say beyond names and configs. */
class PodScriptsTest {

    @Test
    void theSeedKeepsItsInitContainerOrderedReadyAndItsSidecarOptions() {
        ClusterSpec spec = ManifestLoader.load(Fixtures.SEED_CLASSPATH, -1);
        assertEquals("init-mysql", spec.configInit().container().getName());
        assertEquals("conf", spec.configInit().confVolume());
        assertEquals(ClusterSpec.ORDERED_READY, spec.podManagementPolicy());
        assertEquals(List.of("MASTER_HOST='mysql-0.mysql'", "MASTER_USER='root'", "MASTER_PASSWORD=''",
                "MASTER_CONNECT_RETRY=10"), spec.changeMasterOptions().stream().map(Object::toString).toList());
    }

    @Test
    void theGtidSidecarFixtureSaysMasterUseGtid() {
        ClusterSpec spec = ManifestLoader.load("classpath:manifests-fixtures/gtid-sidecar", -1);
        assertTrue(spec.changeMasterOptions().contains(new ClusterSpec.ChangeMasterOption("MASTER_USE_GTID", "slave_pos")),
                spec.changeMasterOptions().toString());
    }

    @Test
    void parallelIsRead() {
        ClusterSpec spec = ManifestLoader.load("classpath:manifests-fixtures/parallel-server-id", -1);
        assertTrue(spec.parallel());
    }

    @Test
    void onlyAnInitContainerSharingAnEmptyDirWithTheServerWritesItsConfig() {
        assertNull(ManifestLoader.load("classpath:manifests-fixtures/init-script-keys", -1).configInit(),
                "its init container shares no volume with the server");
        assertNull(ManifestLoader.load("classpath:manifests-fixtures/single-file", -1).configInit(),
                "a pod template without init containers has none");
    }

    @Test
    void anUnknownPodManagementPolicyIsRefusedWithTheFix(@TempDir Path dir) {
        ManifestException error = assertThrows(ManifestException.class, () -> ManifestLoader.load(Fixtures.seedCopy(dir,
                text -> text.replace("  serviceName: mysql\n", "  serviceName: mysql\n  podManagementPolicy: AllAtOnce\n"))
                .toString(), -1));
        assertTrue(error.getMessage().contains("AllAtOnce") && error.getMessage().contains("Parallel"), error.getMessage());
    }
}
