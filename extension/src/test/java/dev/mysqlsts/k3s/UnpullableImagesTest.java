package dev.mysqlsts.k3s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mysqlsts.backend.Settings;
import dev.mysqlsts.manifest.ClusterSpec;
import dev.mysqlsts.manifest.ManifestLoader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The bundled manifests' xtrabackup image is a schema-1 image the containerd 2 of current k3s refuses: K3S says so
 * before booting anything (and AUTO chooses LOCAL), unless an override replaces it or the host's Docker holds a copy
 * to load.
 */
class UnpullableImagesTest {

    private static final String XTRABACKUP = "gcr.io/google-samples/xtrabackup:1.0";
    private static final ClusterSpec BUNDLED = ManifestLoader.load("", 3);

    private static K3sSettings settings(Map<String, String> properties) {
        return K3sSettings.from(Settings.from(key -> Optional.ofNullable(properties.get(key))));
    }

    @Test
    void theBundledManifestsCannotGetTheirXtrabackupImage() {
        List<String> asked = new ArrayList<>();
        Optional<String> why = UnpullableImages.whyNot(BUNDLED, settings(Map.of()), image -> {
            asked.add(image);
            return false;
        });
        assertTrue(why.isPresent());
        assertTrue(why.get().contains(XTRABACKUP + " (a Docker schema-1 image"), why.get());
        assertTrue(why.get().contains("-Dmysqlsts.k3s.imageOverrides=" + XTRABACKUP + "=<your image>"), why.get());
        assertTrue(why.get().contains("-Dmysqlsts.backend=local"), why.get());
        assertEquals(List.of(XTRABACKUP), asked.stream().distinct().toList(), "only the refused image is looked up");
    }

    @Test
    void anOverrideReplacesIt() {
        Optional<String> why = UnpullableImages.whyNot(BUNDLED,
                settings(Map.of(K3sSettings.IMAGE_OVERRIDES, XTRABACKUP + "=registry.example.com/xtrabackup:2.4")),
                image -> false);
        assertEquals(Optional.empty(), why);
    }

    @Test
    void aCopyInTheHostsDockerIsLoadedUnlessLoadingIsOff() {
        assertEquals(Optional.empty(), UnpullableImages.whyNot(BUNDLED, settings(Map.of()), XTRABACKUP::equals));
        Optional<String> why = UnpullableImages.whyNot(BUNDLED,
                settings(Map.of(K3sSettings.LOAD_IMAGES, "false")), XTRABACKUP::equals);
        assertTrue(why.isPresent(), "without loading, k3s must pull it");
    }

    @Test
    void manifestsThatDoNotNameItAreFine() {
        ClusterSpec own = ManifestLoader.load("src/test/resources/manifests-fixtures/init-script-keys", -1);
        assertTrue(StatefulSetDeployer.images(own.objects()).stream().noneMatch(XTRABACKUP::equals));
        assertEquals(Optional.empty(), UnpullableImages.whyNot(own, settings(Map.of()), image -> false));
    }
}
