package dev.mysqlsts.k3s;

import static org.apiguardian.api.API.Status.INTERNAL;

import dev.mysqlsts.backend.Settings;
import dev.mysqlsts.manifest.ClusterSpec;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apiguardian.api.API;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything after the kubeconfig: given a {@link KubernetesClient}, brings a {@link ClusterSpec} up in a
 * namespace of its own. It creates the namespace, applies the adapted copies of the manifests (see
 * {@link ManifestAdapter}), waits for ordered readiness ({@link ReadinessWaiter}) and returns the running
 * {@link K3sStatefulSet}. Nothing here is k3s-specific, so the same code drives an existing cluster:
 *
 * <pre>{@code
 * KubernetesClient client = new KubernetesClientBuilder().build();   // the current kubeconfig context
 * try (K3sStatefulSet mysql = StatefulSetDeployer.forCluster(client, Settings.systemProperties())
 *         .deploy(ManifestLoader.load("", 3))) { ... }
 * }</pre>
 */
@API(status = INTERNAL)
public final class StatefulSetDeployer {

    private static final Logger LOG = LoggerFactory.getLogger(StatefulSetDeployer.class);
    private static final AtomicInteger CLUSTERS = new AtomicInteger();
    private static final String DEFAULT_CLASS_ANNOTATION = "storageclass.kubernetes.io/is-default-class";

    /** Label on every namespace this harness creates, to find leftovers: {@code kubectl get ns -l ...}. */
    static final String MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";
    static final String MANAGED_BY = "mysql-statefulset-junit";

    private final KubernetesClient client;
    private final K3sSettings settings;
    private final ImageLoader images;
    private final Function<String, PodPortRelay> connectors;
    private final NodeShell nodeShell;
    private final Function<String, ContainerShell> containerShells;
    private FollowerTuning.Tuner tuner = FollowerTuning.JDBC;

    /**
     * @param connectors the {@link PodPortRelay} for a namespace
     */
    StatefulSetDeployer(KubernetesClient client, K3sSettings settings, ImageLoader images,
                        Function<String, PodPortRelay> connectors) {
        this(client, settings, images, connectors, null, namespace -> new ExecContainerShell(client, namespace));
    }

    private StatefulSetDeployer(KubernetesClient client, K3sSettings settings, ImageLoader images,
                                Function<String, PodPortRelay> connectors, NodeShell nodeShell,
                                Function<String, ContainerShell> containerShells) {
        this.client = client;
        this.settings = settings;
        this.images = images;
        this.connectors = connectors;
        this.nodeShell = nodeShell;
        this.containerShells = containerShells;
    }

    /**
     * The same deployer, with commands on the node for the faults that are made there (kill, pause, network).
     * Without one (an existing cluster reached through its API server), those faults are unsupported.
     */
    StatefulSetDeployer withNodeShell(NodeShell shell) {
        StatefulSetDeployer copy = new StatefulSetDeployer(client, settings, images, connectors, shell, containerShells);
        copy.tuner = tuner;
        return copy;
    }

    /** The same deployer, tuning followers another way (tests record it instead of using JDBC). */
    StatefulSetDeployer withFollowerTuner(FollowerTuning.Tuner followerTuner) {
        StatefulSetDeployer copy = new StatefulSetDeployer(client, settings, images, connectors, nodeShell,
                containerShells);
        copy.tuner = followerTuner;
        return copy;
    }

    /** A deployer for any cluster the client reaches; the cluster pulls images itself. */
    public static StatefulSetDeployer forCluster(KubernetesClient client, Settings settings) {
        return new StatefulSetDeployer(client, K3sSettings.from(settings), ImageLoader.PULL,
                namespace -> new PortForwardConnector(client, namespace));
    }

    /**
     * Creates a namespace, applies the manifests there and returns once all pods are Ready in order. On
     * failure the namespace is deleted (after writing diagnostics) and the exception names the pod and why.
     */
    public K3sStatefulSet deploy(ClusterSpec spec) {
        int number = CLUSTERS.incrementAndGet();
        String namespace = namespaceName(spec.statefulSetName(), number);
        return deploy(spec, spec.statefulSetName() + "#" + number, namespace);
    }

    K3sStatefulSet deploy(ClusterSpec spec, String name, String namespace) {
        long started = System.nanoTime();
        createNamespace(namespace, name);
        try {
            ManifestAdapter.Adapted adapted = ManifestAdapter.adapt(spec.objects(), target(spec, namespace));
            LOG.info("K3S {}: applying {} objects of {} with these changes:\n  - {}", name, adapted.objects().size(),
                    spec.source(), String.join("\n  - ", adapted.changes()));
            StatefulSet statefulSet = statefulSet(adapted.objects(), spec);
            Map<String, String> podLabels = podLabels(statefulSet);
            images.load(images(adapted.objects()));

            boolean ordered = !"Parallel".equals(statefulSet.getSpec().getPodManagementPolicy());
            if (!ordered) {
                LOG.info("K3S {}: podManagementPolicy Parallel: pods start together, their order is not checked", name);
            }
            ReadinessWaiter waiter = new ReadinessWaiter(client, namespace, spec.statefulSetName(), podLabels,
                    settings.toleratedRestarts());
            try (ReadinessWaiter.Watch watch = waiter.watch(spec.replicas(), ordered ? 1 : ReadinessWaiter.NO_ORDER_CHECK)) {
                for (HasMetadata object : adapted.objects()) {
                    client.resource(object).inNamespace(namespace).create();
                }
                watch.await(settings.startupTimeout(), K3sSettings.STARTUP_TIMEOUT);
            }
            LOG.info("K3S {}: {} pods Ready in {} s (namespace {}, images {})", name, spec.replicas(),
                    Duration.ofNanos(System.nanoTime() - started).toSeconds(), namespace, images(adapted.objects()));
            K3sStatefulSet running = new K3sStatefulSet(name, spec, client, namespace, podLabels, settings,
                    connectors.apply(namespace), nodeShell, containerShells.apply(namespace)).withTuner(tuner);
            running.tuneFollowers();
            running.watchFollowerRestarts();
            return running;
        } catch (RuntimeException e) {
            writeStartupDiagnostics(spec, name, namespace);
            K3sStatefulSet.deleteNamespace(client, namespace, name);
            throw e;
        }
    }

    private void createNamespace(String namespace, String name) {
        try {
            client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace)
                    .addToLabels(MANAGED_BY_LABEL, MANAGED_BY)
                    .addToAnnotations("mysqlsts/cluster", name)
                    .endMetadata().build()).create();
        } catch (KubernetesClientException e) {
            throw new K3sBackendException("K3S " + name + ": cannot create namespace " + namespace + ": "
                    + e.getMessage(), e);
        }
    }

    private ManifestAdapter.Target target(ClusterSpec spec, String namespace) {
        List<StorageClass> classes = client.storage().v1().storageClasses().list().getItems();
        Set<String> names = classes.stream().map(c -> c.getMetadata().getName()).collect(Collectors.toSet());
        String defaultClass = classes.stream()
                .filter(c -> c.getMetadata().getAnnotations() != null
                        && "true".equals(c.getMetadata().getAnnotations().get(DEFAULT_CLASS_ANNOTATION)))
                .map(c -> c.getMetadata().getName())
                .findFirst().orElse(null);
        return new ManifestAdapter.Target(namespace, spec.statefulSetName(), spec.replicas(), names, defaultClass,
                settings.requestsFactor(), settings.imageOverrides());
    }

    private static StatefulSet statefulSet(List<HasMetadata> objects, ClusterSpec spec) {
        return objects.stream()
                .filter(o -> o instanceof StatefulSet && spec.statefulSetName().equals(o.getMetadata().getName()))
                .map(StatefulSet.class::cast)
                .findFirst()
                .orElseThrow(() -> new K3sBackendException("K3S: the manifests of " + spec.source()
                        + " have no StatefulSet named " + spec.statefulSetName()));
    }

    private static Map<String, String> podLabels(StatefulSet sts) {
        if (sts.getSpec().getSelector() != null && sts.getSpec().getSelector().getMatchLabels() != null
                && !sts.getSpec().getSelector().getMatchLabels().isEmpty()) {
            return sts.getSpec().getSelector().getMatchLabels();
        }
        return sts.getSpec().getTemplate().getMetadata().getLabels();
    }

    /** Every image of every pod template, init containers included, in order of appearance. */
    static Set<String> images(List<HasMetadata> objects) {
        Set<String> result = new LinkedHashSet<>();
        for (HasMetadata object : objects) {
            if (object instanceof StatefulSet sts && sts.getSpec().getTemplate() != null) {
                PodSpec pod = sts.getSpec().getTemplate().getSpec();
                Stream.concat(PodReports.list(pod.getInitContainers()).stream(), PodReports.list(pod.getContainers()).stream())
                        .map(Container::getImage)
                        .forEach(result::add);
            }
        }
        return result;
    }

    private void writeStartupDiagnostics(ClusterSpec spec, String name, String namespace) {
        Path dir = DiagnosticsWriter.directory(settings.diagnosticsDir(), name, "startup");
        try {
            StatefulSet sts = client.apps().statefulSets().inNamespace(namespace).withName(spec.statefulSetName()).get();
            if (sts == null) {
                return; // nothing ran: the message says it all
            }
            new DiagnosticsWriter(client, namespace, spec.statefulSetName(), podLabels(sts)).write(dir);
            LOG.info("K3S {}: startup failed; pod status, events and logs written to {}", name, dir.toAbsolutePath());
        } catch (RuntimeException e) {
            LOG.debug("K3S {}: no startup diagnostics: {}", name, e.toString());
        }
    }

    /** {@code mysqlsts-mysql-1-k3x9q}: a DNS label, unique, recognisably ours. */
    static String namespaceName(String statefulSetName, int number) {
        String base = statefulSetName.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-");
        if (base.length() > 30) {
            base = base.substring(0, 30);
        }
        String suffix = Integer.toString(ThreadLocalRandom.current().nextInt(36 * 36 * 36 * 36, 36 * 36 * 36 * 36 * 36), 36);
        return ("mysqlsts-" + base + "-" + number + "-" + suffix).replaceAll("-+", "-");
    }
}
