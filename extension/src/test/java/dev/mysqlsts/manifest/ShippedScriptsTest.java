package dev.mysqlsts.manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Every script of the manifests we ship (manifests/, the samples' manifests, our own fixtures) calls only programs
 * its container's image has, as read from the image's Dockerfile (src/test/resources/image-programs/). The seed's
 * {@code hostname} in {@code mysql:5.7} is the failure this catches: on a real cluster {@code init-mysql} exits 1.
 * The fixtures left out are kept as they are on purpose: {@code seed} (the tutorial's files verbatim, whose
 * {@code hostname} call is caught below), {@code user-db} (an image with no program list), and {@code bad-tab} and
 * {@code no-statefulset} (manifests that do not parse into a StatefulSet).
 */
class ShippedScriptsTest {

    private static final ImagePrograms IMAGES = ImagePrograms.load();

    @ParameterizedTest
    @ValueSource(strings = {"", "../sample-tests/src/test/resources/manifests/gtid-sidecar",
            "../sample-tests/src/test/resources/manifests/semi-sync",
            "../sample-tests/src/test/resources/manifests/orders-db",
            "fixture:gtid-sidecar", "fixture:semi-sync", "fixture:parallel-server-id", "fixture:unknown-option",
            "fixture:property-keys", "fixture:init-script-keys", "fixture:single-file", "fixture:team-init-script",
            "fixture:global-settings", "fixture:production-config"})
    void everyProgramAShippedScriptCallsIsInItsImage(String location) {
        assertEquals(List.of(), missing(location), location.isEmpty() ? "the bundled manifests" : location);
    }

    @Test
    void theSeedsHostnameCallInMysql57IsCaught() {
        assertEquals(List.of("init-mysql (mysql:5.7) runs hostname, which the image does not have"),
                missing("fixture:seed"));
    }

    @Test
    void anImageWithoutAProgramListIsReportedNotPassed() {
        assertEquals(List.of("server (mysql:8.0) runs [mysqladmin] but no image-programs file lists that image's programs"),
                missing("fixture:user-db"));
    }

    private static List<String> missing(String location) {
        String resolved = location.startsWith("fixture:")
                ? Fixtures.path(location.substring("fixture:".length())).toString() : location;
        return Manifests.parse(ManifestSources.resolve(resolved)).ofType(StatefulSet.class).stream()
                .flatMap(statefulSet -> IMAGES.missing(statefulSet).stream()).toList();
    }
}
