package dev.mysqlsts.manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the pod template's scripts and the StatefulSet say beyond names and configs. */
class PodScriptsTest {

    @Test
    void theSeedKeepsServerId100OrderedReadyAndItsSidecarOptions() {
        ClusterSpec spec = ManifestLoader.load(Fixtures.SEED_CLASSPATH, -1);
        assertEquals(100, spec.serverIdOffset());
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
    void parallelAndServerId500AreRead() {
        ClusterSpec spec = ManifestLoader.load("classpath:manifests-fixtures/parallel-server-id", -1);
        assertTrue(spec.parallel());
        assertEquals(502, spec.serverId(2));
    }

    @Test
    void serverIdFormulasOfOtherShapes(@TempDir Path dir) {
        ClusterSpec spec = ManifestLoader.load(Fixtures.seedCopy(dir, text -> text.replace(
                "echo server-id=$((100 + $ordinal))", "echo \"server_id=$(( ${ordinal} + 7 ))\"")).toString(), -1);
        assertEquals(7, spec.serverIdOffset());
    }

    @Test
    void anUnknownPodManagementPolicyIsRefusedWithTheFix(@TempDir Path dir) {
        ManifestException error = assertThrows(ManifestException.class, () -> ManifestLoader.load(Fixtures.seedCopy(dir,
                text -> text.replace("  serviceName: mysql\n", "  serviceName: mysql\n  podManagementPolicy: AllAtOnce\n"))
                .toString(), -1));
        assertTrue(error.getMessage().contains("AllAtOnce") && error.getMessage().contains("Parallel"), error.getMessage());
    }
}
