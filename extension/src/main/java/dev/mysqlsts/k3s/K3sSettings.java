package dev.mysqlsts.k3s;

import dev.mysqlsts.backend.Settings;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The {@code mysqlsts.k3s.*} properties of the K3S backend, read once per cluster.
 *
 * @param k3sImage          the k3s image the node container runs ({@value #K3S_IMAGE})
 * @param startupTimeout    how long the pods may take to become Ready ({@value #STARTUP_TIMEOUT})
 * @param requestsFactor    factor applied to containers' cpu and memory requests ({@value #REQUESTS_FACTOR})
 * @param imageOverrides    images replaced in the pod templates ({@value #IMAGE_OVERRIDES}, and the database
 *                          images' tag by {@code mysqlsts.server})
 * @param loadImages        copy images the host's Docker holds into k3s instead of pulling ({@value #LOAD_IMAGES})
 * @param toleratedRestarts a crashing container fails the start once its restart count reaches this; 0 fails at
 *                          its first crash ({@value #TOLERATED_RESTARTS}, default {@value #DEFAULT_TOLERATED_RESTARTS})
 * @param diagnosticsDir    where diagnostics go ({@value #DIAGNOSTICS_DIR})
 * @param kubeconfig        an existing cluster's kubeconfig file instead of k3s ({@value #KUBECONFIG}); null: k3s
 * @param context           the kubeconfig's context to use ({@value #CONTEXT}); null: its current context
 */
record K3sSettings(
        String k3sImage,
        Duration startupTimeout,
        double requestsFactor,
        ImageOverrides imageOverrides,
        boolean loadImages,
        int toleratedRestarts,
        Path diagnosticsDir,
        Path kubeconfig,
        String context) {

    /** The k3s image, pinned here and nowhere else. */
    static final String DEFAULT_K3S_IMAGE = "rancher/k3s:v1.31.6-k3s1";

    static final String K3S_IMAGE = "mysqlsts.k3s.image";
    static final String STARTUP_TIMEOUT = "mysqlsts.k3s.startupTimeout";
    static final String REQUESTS_FACTOR = "mysqlsts.k3s.requestsFactor";
    static final String IMAGE_OVERRIDES = "mysqlsts.k3s.imageOverrides";
    static final String LOAD_IMAGES = "mysqlsts.k3s.loadImagesFromDocker";
    static final String TOLERATED_RESTARTS = "mysqlsts.k3s.toleratedRestarts";
    static final String DIAGNOSTICS_DIR = "mysqlsts.diagnostics.dir";
    static final String KUBECONFIG = "mysqlsts.k3s.kubeconfig";
    static final String CONTEXT = "mysqlsts.k3s.context";

    /** Generous enough for a cold pull of mysql:5.7 and the xtrabackup image on a slow network. */
    static final Duration DEFAULT_STARTUP_TIMEOUT = Duration.ofMinutes(10);
    /** The seed asks 600m CPU per pod; a quarter lets 3 pods and k3s itself fit a 2-CPU runner. */
    static final double DEFAULT_REQUESTS_FACTOR = 0.25;
    static final Path DEFAULT_DIAGNOSTICS_DIR = Path.of("target", "mysqlsts-diagnostics");
    /**
     * As patient as the kubelet, which restarts a crashed container at once and then after a back-off of 10 s, 20 s...
     * (kubernetes {@code pkg/kubelet/kuberuntime/kuberuntime_manager.go} doBackOff, the period from
     * {@code pkg/kubelet/kubelet.go}): a container that crashes a third time, about 12 s after its first crash, is in a
     * crash loop (a script calling a program its image lacks fails the same way each time); one that crashed once or
     * twice because a peer was not up yet (the previous pod's sidecar not listening yet) is given its retries.
     */
    static final int DEFAULT_TOLERATED_RESTARTS = 2;

    K3sSettings {
        if (!(requestsFactor > 0) || Double.isInfinite(requestsFactor)) {
            throw new IllegalArgumentException("property " + REQUESTS_FACTOR + "=" + requestsFactor
                    + " must be a number greater than 0 (1 keeps the manifests' requests)");
        }
        if (context != null && kubeconfig == null) {
            throw new IllegalArgumentException("property " + CONTEXT + "=" + context + " needs " + KUBECONFIG
                    + "=<kubeconfig file> too (the context is looked up in that file)");
        }
        if (toleratedRestarts < 0) {
            throw new IllegalArgumentException("property " + TOLERATED_RESTARTS + "=" + toleratedRestarts
                    + " must be 0 or more");
        }
    }

    static K3sSettings from(Settings settings) {
        return new K3sSettings(
                settings.get(K3S_IMAGE).orElse(DEFAULT_K3S_IMAGE),
                settings.duration(STARTUP_TIMEOUT, DEFAULT_STARTUP_TIMEOUT),
                settings.get(REQUESTS_FACTOR).map(K3sSettings::parseFactor).orElse(DEFAULT_REQUESTS_FACTOR),
                imageOverrides(settings),
                settings.get(LOAD_IMAGES).map(Boolean::parseBoolean).orElse(true),
                settings.get(TOLERATED_RESTARTS).map(K3sSettings::parseRestarts).orElse(DEFAULT_TOLERATED_RESTARTS),
                settings.get(DIAGNOSTICS_DIR).map(Path::of).orElse(DEFAULT_DIAGNOSTICS_DIR),
                settings.get(KUBECONFIG).map(Path::of).orElse(null),
                settings.get(CONTEXT).orElse(null));
    }

    /** The {@value #IMAGE_OVERRIDES} pairs, and the server ({@value Settings#SERVER}) as database image tag. */
    private static ImageOverrides imageOverrides(Settings settings) {
        ImageOverrides pairs = ImageOverrides.parse(IMAGE_OVERRIDES, settings.get(IMAGE_OVERRIDES).orElse(""));
        return settings.get(Settings.SERVER).map(server -> pairs.withServerTag(Settings.SERVER, server)).orElse(pairs);
    }

    /** Whether the pods run on an existing cluster rather than on a k3s of this JVM. */
    boolean existingCluster() {
        return kubeconfig != null;
    }

    /** The same settings with another startup timeout (tests inject short ones). */
    K3sSettings withStartupTimeout(Duration timeout) {
        return new K3sSettings(k3sImage, timeout, requestsFactor, imageOverrides, loadImages, toleratedRestarts,
                diagnosticsDir, kubeconfig, context);
    }

    private static double parseFactor(String value) {
        try {
            return Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("property " + REQUESTS_FACTOR + "=" + value
                    + " is not a number: give for example 0.25 (a quarter of the manifests' requests) or 1", e);
        }
    }

    private static int parseRestarts(String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("property " + TOLERATED_RESTARTS + "=" + value
                    + " is not a whole number", e);
        }
    }
}
