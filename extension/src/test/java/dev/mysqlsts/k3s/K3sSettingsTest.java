package dev.mysqlsts.k3s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mysqlsts.backend.Settings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The mysqlsts.k3s.* properties as a user writes them. */
class K3sSettingsTest {

    private static K3sSettings settings(Map<String, String> properties) {
        return K3sSettings.from(Settings.from(key -> Optional.ofNullable(properties.get(key))));
    }

    @Test
    void defaultsAreGenerousForAColdPullAndQuarterTheRequests() {
        K3sSettings defaults = settings(Map.of());

        assertEquals(Duration.ofMinutes(10), defaults.startupTimeout());
        assertEquals(0.25, defaults.requestsFactor());
        assertEquals(K3sSettings.DEFAULT_K3S_IMAGE, defaults.k3sImage());
        assertEquals(Path.of("target", "mysqlsts-diagnostics"), defaults.diagnosticsDir());
        assertTrue(defaults.imageOverrides().isEmpty());
    }

    @Test
    void propertiesOverrideEverySetting() {
        K3sSettings given = settings(Map.of(
                "mysqlsts.k3s.image", "rancher/k3s:v1.30.9-k3s1",
                "mysqlsts.k3s.startupTimeout", "90",
                "mysqlsts.k3s.requestsFactor", "1",
                "mysqlsts.k3s.imageOverrides", "mysql:5.7=mysql:5.7.44, gcr.io/google-samples/xtrabackup:1.0=my/xb:2",
                "mysqlsts.diagnostics.dir", "build/diag"));

        assertEquals("rancher/k3s:v1.30.9-k3s1", given.k3sImage());
        assertEquals(Duration.ofSeconds(90), given.startupTimeout());
        assertEquals(1.0, given.requestsFactor());
        assertEquals(Optional.of("mysql:5.7.44"), given.imageOverrides().replacementFor("docker.io/library/mysql:5.7"),
                "mysql:5.7 and docker.io/library/mysql:5.7 are the same image");
        assertEquals(Optional.of("my/xb:2"), given.imageOverrides().replacementFor("gcr.io/google-samples/xtrabackup:1.0"));
        assertEquals(Optional.empty(), given.imageOverrides().replacementFor("mysql:8.0"));
        assertEquals(Path.of("build/diag"), given.diagnosticsDir());
    }

    @Test
    void aMalformedOverrideNamesThePropertyAndTheExpectedForm() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> settings(Map.of("mysqlsts.k3s.imageOverrides", "mysql:5.7")));

        assertTrue(e.getMessage().contains("mysqlsts.k3s.imageOverrides")
                && e.getMessage().contains("original=replacement"), e.getMessage());
    }

    @Test
    void aFactorThatIsNotAPositiveNumberIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> settings(Map.of("mysqlsts.k3s.requestsFactor", "0")));

        assertTrue(e.getMessage().contains("mysqlsts.k3s.requestsFactor"), e.getMessage());
    }
}
