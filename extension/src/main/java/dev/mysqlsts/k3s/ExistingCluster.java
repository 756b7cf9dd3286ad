package dev.mysqlsts.k3s;

import dev.mysqlsts.manifest.ClusterSpec;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.nio.file.Files;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An existing cluster instead of k3s ({@code -Dmysqlsts.k3s.kubeconfig=<file>}, optionally
 * {@code -Dmysqlsts.k3s.context=<name>}): the same {@link StatefulSetDeployer}, one namespace per test class,
 * deleted after it. There is no node to run commands on, so the faults made on the node (container kill,
 * pause, network rules, latency) are refused with an error saying so; the API-level ones (deletePod,
 * replication, breakReadiness through exec) work. The cluster pulls the images itself.
 */
final class ExistingCluster {

    private static final Logger LOG = LoggerFactory.getLogger(ExistingCluster.class);
    private static final Map<String, KubernetesClient> CLIENTS = new ConcurrentHashMap<>();

    private ExistingCluster() {
    }

    static K3sStatefulSet deploy(ClusterSpec spec, K3sSettings settings) {
        KubernetesClient client = client(settings);
        return new StatefulSetDeployer(client, settings, ImageLoader.PULL,
                namespace -> new PortForwardConnector(client, namespace))
                .deploy(spec);
    }

    /** One client per kubeconfig and context for the JVM's life (clients are closed by their threads' end). */
    static KubernetesClient client(K3sSettings settings) {
        String key = settings.kubeconfig() + "#" + settings.context();
        return CLIENTS.computeIfAbsent(key, k -> {
            if (!Files.isReadable(settings.kubeconfig())) {
                throw new K3sBackendException("K3S: " + K3sSettings.KUBECONFIG + "=" + settings.kubeconfig()
                        + " is not a readable file: give the kubeconfig of the cluster to use (kind get kubeconfig, "
                        + "aws eks update-kubeconfig --kubeconfig <file>, ...)");
            }
            Config config;
            try {
                config = Config.fromKubeconfig(settings.context(), settings.kubeconfig().toFile());
            } catch (RuntimeException e) {
                throw new K3sBackendException("K3S: cannot read kubeconfig " + settings.kubeconfig()
                        + (settings.context() == null ? "" : " (context " + settings.context() + ")") + ": "
                        + e.getMessage(), e);
            }
            KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build();
            LOG.info("K3S: using the existing cluster at {} ({} {}{}); node faults (kill, pause, network) are "
                    + "unavailable there", client.getMasterUrl(), K3sSettings.KUBECONFIG, settings.kubeconfig(),
                    settings.context() == null ? "" : ", context " + settings.context());
            return client;
        });
    }
}
