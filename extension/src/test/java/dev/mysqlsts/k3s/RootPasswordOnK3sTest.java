package dev.mysqlsts.k3s;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mysqlsts.backend.Settings;
import dev.mysqlsts.manifest.ManifestLoader;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * {@code mysqlsts.rootPassword=random} is LOCAL's: K3S refuses it before it asks Docker or a cluster anything, naming
 * the fix, as root's password there is what the manifests give the mysql container.
 */
class RootPasswordOnK3sTest {

    @Test
    void aRandomRootPasswordIsRefusedWithTheFix() {
        // a kubeconfig that does not exist: were the property not checked first, the error would be about that file
        Map<String, String> values = Map.of(Settings.ROOT_PASSWORD, "random",
                K3sSettings.KUBECONFIG, "/nonexistent/kubeconfig");
        Settings settings = Settings.from(key -> Optional.ofNullable(values.get(key)));

        K3sBackendException e = assertThrows(K3sBackendException.class,
                () -> new K3sBackend().start(ManifestLoader.load("", 2), settings));
        assertTrue(e.getMessage().contains("mysqlsts.rootPassword=random is offered on the LOCAL backend only")
                && e.getMessage().contains("Remove the property, or run this class with backend LOCAL"), e.getMessage());
    }
}
