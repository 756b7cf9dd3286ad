package dev.mysqlsts.k3s;

import dev.mysqlsts.manifest.ClusterSpec;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Images the manifests name that the k3s of today cannot pull, found before k3s boots: the bundled manifests'
 * {@code gcr.io/google-samples/xtrabackup:1.0} is a Docker image manifest v2 schema 1 image, which containerd 2.x
 * refuses to pull (containerd#6884; k3s embeds containerd 2 since its early-2025 releases, nixpkgs#392169) and
 * Docker 26+ too (moby#47459). Such a deploy would fail only after k3s booted, with {@code ErrImagePull} on the
 * second pod. An image is fine when {@code mysqlsts.k3s.imageOverrides} replaces it, or when the host's Docker holds
 * a copy that {@code mysqlsts.k3s.loadImages} imports into k3s ({@code docker save} writes it as a schema 2 image).
 */
final class UnpullableImages {

    /** Normalized image name -> why it cannot be pulled. */
    private static final Map<String, String> SCHEMA_1 = Map.of(
            ImageOverrides.normalize("gcr.io/google-samples/xtrabackup:1.0"),
            "a Docker schema-1 image, which the containerd 2 of current k3s refuses to pull (containerd#6884)");

    private UnpullableImages() {
    }

    /**
     * Why this deploy cannot get its images, naming each and the fix; empty when it can.
     *
     * @param hostDockerHolds whether the host's Docker holds an image (asked only when images are loaded from it)
     */
    static Optional<String> whyNot(ClusterSpec spec, K3sSettings settings, Predicate<String> hostDockerHolds) {
        List<String> refused = new ArrayList<>();
        for (String named : StatefulSetDeployer.images(spec.objects())) {
            String image = settings.imageOverrides().replacementFor(named).orElse(named);
            String why = SCHEMA_1.get(ImageOverrides.normalize(image));
            if (why != null && !(settings.loadImages() && hostDockerHolds.test(image))) {
                refused.add(image + " (" + why + ", and the host's Docker holds no copy to load into k3s)");
            }
        }
        if (refused.isEmpty()) {
            return Optional.empty();
        }
        String first = refused.get(0).substring(0, refused.get(0).indexOf(' '));
        return Optional.of("the manifests of " + spec.source() + " name " + String.join(", ", refused)
                + ". Build an image with the same programs and map it: -D" + K3sSettings.IMAGE_OVERRIDES + "="
                + first + "=<your image> (docs/k3s.md, \"The xtrabackup image is a schema-1 image\"), or run on "
                + "LOCAL (-Dmysqlsts.backend=local)");
    }

    /** Whether the first Docker engine that answers holds the image; false when none answers. */
    static boolean inHostDocker(String image) {
        for (DockerEndpoint engine : DockerEndpoint.endpoints()) {
            try {
                return engine.get("/images/" + image + "/json", K3sAvailability.ENGINE_TIMEOUT).status() == 200;
            } catch (IOException e) {
                // the next endpoint
            }
        }
        return false;
    }
}
