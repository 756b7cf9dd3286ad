package dev.mysqlsts.k3s;

import static org.apiguardian.api.API.Status.INTERNAL;

import dev.mysqlsts.backend.RunningStatefulSet;
import dev.mysqlsts.backend.Settings;
import dev.mysqlsts.backend.StatefulSetBackend;
import dev.mysqlsts.manifest.ClusterSpec;
import org.apiguardian.api.API;

/**
 * The K3S backend: the manifests applied to k3s running in a Testcontainers container, one k3s per JVM
 * and one namespace per cluster.
 *
 * <pre>{@code @MySqlStatefulSet(backend = Backend.K3S)}</pre>
 *
 * Booting k3s ({@link K3sNode}) is the only k3s-specific step; {@link StatefulSetDeployer} does the rest
 * and works with any {@code KubernetesClient}.
 */
@API(status = INTERNAL)
public final class K3sBackend implements StatefulSetBackend {

    public K3sBackend() {
    }

    /**
     * Whether K3S can run here, decided within seconds and without pulling anything, asked once per JVM: a
     * Docker engine answers and every image it must run is in it or its registry answers (or the property
     * {@code mysqlsts.k3s.kubeconfig} names an existing cluster). AUTO uses it to choose:
     *
     * <pre>{@code if (K3sBackend.availability(Settings.systemProperties()).bootable()) ...}</pre>
     */
    public static Availability availability(Settings settings) {
        K3sSettings k3sSettings = K3sSettings.from(settings);
        if (k3sSettings.existingCluster()) {
            return new Availability(true, "an existing cluster: " + K3sSettings.KUBECONFIG + "="
                    + k3sSettings.kubeconfig());
        }
        return K3sAvailability.of(k3sSettings.k3sImage());
    }

    /**
     * {@link #availability(Settings)} for these manifests: k3s can boot and can get every image they name (a
     * schema-1 image such as the bundled manifests' xtrabackup is not, unless replaced or loaded from the host's
     * Docker). AUTO uses it to choose.
     */
    public static Availability availability(Settings settings, ClusterSpec spec) {
        Availability k3s = availability(settings);
        K3sSettings k3sSettings = K3sSettings.from(settings);
        if (!k3s.bootable() || k3sSettings.existingCluster()) {
            return k3s;
        }
        return UnpullableImages.whyNot(spec, k3sSettings, UnpullableImages::inHostDocker)
                .map(why -> new Availability(false, "k3s could boot (" + k3s.reason() + "), but " + why))
                .orElse(k3s);
    }

    /**
     * Whether K3S can run here, and why (or why not) in words for the log.
     *
     * @param bootable whether k3s can boot (or the existing cluster is configured)
     * @param reason   why, naming the Docker endpoint, the images and the registries asked
     */
    public record Availability(boolean bootable, String reason) {
    }

    @Override
    public RunningStatefulSet start(ClusterSpec spec, Settings settings) {
        if (settings.randomRootPassword()) {
            // the pods' root password is what their manifests give the mysql container (MYSQL_ROOT_PASSWORD, a
            // Secret), which the harness does not rewrite; LOCAL sets its own servers' at each start
            throw new K3sBackendException(Settings.ROOT_PASSWORD + "=random is offered on the LOCAL backend only: on "
                    + "K3S, root's password is what the manifests give the mysql container (the bundled ones set "
                    + "MYSQL_ALLOW_EMPTY_PASSWORD). Remove the property, or run this class with backend LOCAL.");
        }
        K3sSettings k3sSettings = K3sSettings.from(settings);
        if (k3sSettings.existingCluster()) {
            return ExistingCluster.deploy(spec, k3sSettings);
        }
        Availability availability = K3sAvailability.of(k3sSettings.k3sImage());
        if (!availability.bootable()) {
            throw new K3sBackendException("K3S backend cannot boot k3s here: " + availability.reason() + ". "
                    + K3sAvailability.remedy(k3sSettings.k3sImage()));
        }
        UnpullableImages.whyNot(spec, k3sSettings, UnpullableImages::inHostDocker).ifPresent(why -> {
            throw new K3sBackendException("K3S backend cannot deploy these manifests: " + why + ".");
        });
        K3sNode node = K3sNode.shared(k3sSettings.k3sImage());
        ImageLoader images = k3sSettings.loadImages() ? node.images() : ImageLoader.PULL;
        return new StatefulSetDeployer(node.client(), k3sSettings, images,
                namespace -> new PortForwardConnector(node.client(), namespace))
                .withNodeShell(node.shell())
                .deploy(spec);
    }
}
