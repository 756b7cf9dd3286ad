package dev.mysqlsts.k3s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mysqlsts.backend.Settings;
import dev.mysqlsts.manifest.ClusterSpec;
import dev.mysqlsts.manifest.ManifestLoader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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
    void theServerBecomesTheTagOfTheDatabaseImagesOnly() {
        K3sSettings given = settings(Map.of("mysqlsts.server", "8.0.36"));

        assertEquals(Optional.of("mysql:8.0.36"), given.imageOverrides().replacementFor("mysql:5.7"));
        assertEquals(Optional.of("docker.io/library/mariadb:8.0.36"),
                given.imageOverrides().replacementFor("docker.io/library/mariadb:10.11"));
        assertEquals(Optional.of("localhost:5000/percona/percona-server:8.0.36"),
                given.imageOverrides().replacementFor("localhost:5000/percona/percona-server@sha256:0123abcd"));
        assertEquals(Optional.empty(), given.imageOverrides().replacementFor("gcr.io/google-samples/xtrabackup:1.0"),
                "the backup sidecar's image is not a database image");
    }

    @Test
    void theAdaptedStatefulSetRunsTheServerTagAndSaysWhy() {
        ClusterSpec spec = ManifestLoader.load("", 2);
        ManifestAdapter.Adapted adapted = ManifestAdapter.adapt(spec.objects(), new ManifestAdapter.Target("ns",
                spec.statefulSetName(), 2, Set.of(), null, 1.0, settings(Map.of("mysqlsts.server", "8.0.36")).imageOverrides()));

        assertEquals(Set.of("mysql:8.0.36", "gcr.io/google-samples/xtrabackup:1.0"),
                StatefulSetDeployer.images(adapted.objects()));
        assertTrue(adapted.changes().contains("StatefulSet/mysql container mysql: image mysql:5.7 -> mysql:8.0.36 "
                + "(server=8.0.36)"), adapted.changes().toString());
    }

    @Test
    void anOverridePairWinsOverTheServerTag() {
        K3sSettings given = settings(Map.of("mysqlsts.server", "8.0.36", "mysqlsts.k3s.imageOverrides",
                "mysql:5.7=registry.example/mysql:5.7.44"));

        assertEquals(Optional.of("registry.example/mysql:5.7.44"), given.imageOverrides().replacementFor("mysql:5.7"));
        assertEquals(Optional.of("mysql:8.0.36"), given.imageOverrides().replacementFor("mysql:8.0"));
    }

    @Test
    void aPathAsServerIsRefusedOnK3sWithTheReason() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> settings(Map.of("mysqlsts.server", "/usr/sbin/mariadbd")));

        assertTrue(e.getMessage().contains("mysqlsts.server=/usr/sbin/mariadbd is not an image tag")
                && e.getMessage().contains("LOCAL"), e.getMessage());
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
