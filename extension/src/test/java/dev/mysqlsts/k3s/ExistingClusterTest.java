package dev.mysqlsts.k3s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mysqlsts.backend.Settings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mysqlsts.k3s.kubeconfig} (and its context) selects an existing cluster instead of booting k3s. */
class ExistingClusterTest {

    @TempDir
    Path dir;

    private static Settings settings(Map<String, String> values) {
        return Settings.from(key -> Optional.ofNullable(values.get(key)));
    }

    @Test
    void theContextOfTheKubeconfigIsUsed() throws IOException {
        Path kubeconfig = dir.resolve("kubeconfig");
        Files.writeString(kubeconfig, """
                apiVersion: v1
                kind: Config
                current-context: prod
                clusters:
                - name: prod
                  cluster: {server: "https://prod.example:6443"}
                - name: ci
                  cluster: {server: "https://127.0.0.1:45678"}
                users:
                - name: ci
                  user: {token: abc}
                contexts:
                - name: prod
                  context: {cluster: prod, user: ci}
                - name: kind-ci
                  context: {cluster: ci, user: ci, namespace: default}
                """);
        K3sSettings chosen = K3sSettings.from(settings(Map.of(K3sSettings.KUBECONFIG, kubeconfig.toString(),
                K3sSettings.CONTEXT, "kind-ci")));

        assertTrue(chosen.existingCluster());
        assertEquals("https://127.0.0.1:45678/", ExistingCluster.client(chosen).getMasterUrl().toString());
        assertTrue(K3sBackend.availability(settings(Map.of(K3sSettings.KUBECONFIG, kubeconfig.toString())))
                .bootable(), "AUTO takes the existing cluster without asking Docker");
    }

    @Test
    void aMissingKubeconfigIsNamedWithTheFix() {
        K3sSettings missing = K3sSettings.from(settings(Map.of(K3sSettings.KUBECONFIG,
                dir.resolve("nope").toString())));

        K3sBackendException e = assertThrows(K3sBackendException.class, () -> ExistingCluster.client(missing));
        assertTrue(e.getMessage().contains("mysqlsts.k3s.kubeconfig=" + dir.resolve("nope")
                + " is not a readable file"), e.getMessage());
    }

    @Test
    void aContextNeedsAKubeconfig() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> K3sSettings.from(settings(Map.of(K3sSettings.CONTEXT, "kind-ci"))));
        assertTrue(e.getMessage().contains("needs mysqlsts.k3s.kubeconfig"), e.getMessage());
    }

    @Test
    void nodeFaultsAreRefusedThereAndSaySoWhileDeletePodIsAPodFailure() {
        NodeCommands apiOnly = new NodeCommands("mysql#1", dev.mysqlsts.manifest.ManifestLoader.load("", 3), null);
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                () -> apiOnly.require("pause(1)"));
        assertTrue(e.getMessage().contains("reached only through its API server (an existing cluster)"),
                e.getMessage());
        assertTrue(e.getMessage().contains("A pod failure instead of a container crash: faults.deletePod"),
                e.getMessage());
    }
}
