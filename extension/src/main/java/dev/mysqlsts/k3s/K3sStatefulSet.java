package dev.mysqlsts.k3s;

import static org.apiguardian.api.API.Status.INTERNAL;

import dev.mysqlsts.backend.ClientPaths;
import dev.mysqlsts.backend.PodEndpoint;
import dev.mysqlsts.backend.RunningStatefulSet;
import dev.mysqlsts.manifest.ClusterSpec;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.apiguardian.api.API;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A StatefulSet running in a Kubernetes cluster (k3s in a container, or any cluster a
 * {@link KubernetesClient} reaches), in a namespace of its own that {@link #close(boolean)} deletes.
 *
 * <p>Each ordinal is reached on a loopback port of the test JVM; every new connection is relayed to the
 * pod with that name as it is at that moment, so a JDBC URL keeps working after the pod is recreated.
 * {@link #readEndpoint()} does what the read Service does: each new connection goes to one of its Ready
 * endpoints.
 */
@API(status = INTERNAL)
public final class K3sStatefulSet implements RunningStatefulSet {

    private static final Logger LOG = LoggerFactory.getLogger(K3sStatefulSet.class);

    /** The account the harness uses: mysql:5.7's root, which has SUPER (and is refused writes on followers). */
    static final String ADMIN_USER = "root";

    private final String name;
    private final ClusterSpec spec;
    private final KubernetesClient client;
    private final String namespace;
    private final Map<String, String> podLabels;
    private final K3sSettings settings;
    private final PodPortRelay connector;
    private final NodeShell nodeShell;
    private final ContainerShell containerShell;
    private final Map<Integer, LoopbackForwarder> forwarders = new ConcurrentHashMap<>();
    private final AtomicInteger nextRead = new AtomicInteger();
    private volatile LoopbackForwarder readForwarder;
    private volatile LoopbackForwarder writerForwarder;
    private final ClientPaths clientPaths = new ClientPaths();
    private volatile boolean closed;
    private K3sFaults faults;
    private volatile FollowerTuning tuning;
    /** Tunes followers whose container changed, off the informer's thread (a tuning waits for the sidecar). */
    private final ExecutorService retuner;
    private volatile SharedIndexInformer<Pod> restarts;

    /** Without access to the node: the faults made there (kill, pause, network) are unsupported. */
    K3sStatefulSet(String name, ClusterSpec spec, KubernetesClient client, String namespace,
                   Map<String, String> podLabels, K3sSettings settings, PodPortRelay connector) {
        this(name, spec, client, namespace, podLabels, settings, connector, null,
                new ExecContainerShell(client, namespace));
    }

    /**
     * @param nodeShell      commands on the node, or null where the harness cannot reach the node
     * @param containerShell commands in a container of a pod of the namespace
     */
    K3sStatefulSet(String name, ClusterSpec spec, KubernetesClient client, String namespace,
                   Map<String, String> podLabels, K3sSettings settings, PodPortRelay connector, NodeShell nodeShell,
                   ContainerShell containerShell) {
        this.name = name;
        this.spec = spec;
        this.client = client;
        this.namespace = namespace;
        this.podLabels = Map.copyOf(podLabels);
        this.settings = settings;
        this.connector = connector;
        this.nodeShell = nodeShell;
        this.containerShell = containerShell;
        this.tuning = new FollowerTuning(name, FollowerTuning.JDBC);
        this.retuner = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "mysqlsts-retune-" + name);
            thread.setDaemon(true);
            return thread;
        });
    }

    /** The same cluster with another way to tune followers (tests record it instead of using JDBC). */
    K3sStatefulSet withTuner(FollowerTuning.Tuner tuner) {
        this.tuning = new FollowerTuning(name, tuner);
        return this;
    }

    /**
     * Gives every Ready follower whose container was not tuned yet the short net timeout and heartbeat of
     * LOCAL ({@link FollowerTuning}); called once the pods are Ready (start, scale, awaitReady, rebuild).
     */
    void tuneFollowers() {
        int replicas = replicas();
        for (int ordinal = 1; ordinal < replicas; ordinal++) {
            Pod pod = client.pods().inNamespace(namespace).withName(spec.podName(ordinal)).get();
            if (pod != null && ReadinessWaiter.isReady(pod)) {
                tuning.tune(ordinal, spec.podName(ordinal), mysqlRun(pod), endpoint(ordinal).adminJdbcUrl());
            }
        }
    }

    /**
     * From now on, a follower whose mysql container changes while the cluster runs (killed, restarted by its
     * liveness probe) is tuned again as soon as it is Ready, not only at the next {@code awaitReady}.
     */
    void watchFollowerRestarts() {
        restarts = client.pods().inNamespace(namespace).withLabels(podLabels).inform(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Pod pod) {
                retuneIfRestarted(pod);
            }

            @Override
            public void onUpdate(Pod old, Pod pod) {
                retuneIfRestarted(pod);
            }

            @Override
            public void onDelete(Pod pod, boolean unknownFinalState) {
                // a new pod of that ordinal is added, and tuned, when it is Ready
            }
        });
    }

    private void retuneIfRestarted(Pod pod) {
        String podName = pod.getMetadata().getName();
        String prefix = spec.statefulSetName() + "-";
        if (closed || !podName.startsWith(prefix) || !ReadinessWaiter.isReady(pod)) {
            return;
        }
        int ordinal;
        try {
            ordinal = Integer.parseInt(podName.substring(prefix.length()));
        } catch (NumberFormatException e) {
            return;
        }
        String run = mysqlRun(pod);
        if (ordinal > 0 && tuning.needs(ordinal, run)) {
            retuner.execute(() -> {
                if (!closed) {
                    tuning.tune(ordinal, podName, run, endpoint(ordinal).adminJdbcUrl());
                }
            });
        }
    }

    /** The mysql container's containerd id in the pod's status, or "" before it runs. */
    private String mysqlRun(Pod pod) {
        String mysqlContainer = K3sFaults.mysqlContainerName(spec);
        return pod.getStatus() == null ? "" : PodReports.list(pod.getStatus().getContainerStatuses()).stream()
                .filter(c -> mysqlContainer.equals(c.getName()) && c.getContainerID() != null)
                .map(c -> ContainerTasks.stripRuntime(c.getContainerID()))
                .findFirst().orElse("");
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public ClusterSpec spec() {
        return spec;
    }

    /** The namespace holding this cluster's objects. */
    public String namespace() {
        return namespace;
    }

    /** The StatefulSet's {@code spec.replicas} on the API server. */
    @Override
    public int replicas() {
        StatefulSet sts = client.apps().statefulSets().inNamespace(namespace).withName(spec.statefulSetName()).get();
        if (sts == null || sts.getSpec().getReplicas() == null) {
            return spec.replicas();
        }
        return sts.getSpec().getReplicas();
    }

    @Override
    public PodEndpoint endpoint(int ordinal) {
        checkOpen();
        if (ordinal < 0) {
            throw new IllegalArgumentException("ordinal " + ordinal + ": ordinals start at 0");
        }
        String pod = spec.podName(ordinal);
        LoopbackForwarder forwarder = forwarders.computeIfAbsent(ordinal,
                n -> new LoopbackForwarder(name + "-" + pod, () -> pod, spec.port(), connector, clientPaths));
        return new PodEndpoint(ordinal, pod, forwarder.host(), forwarder.port(), ADMIN_USER);
    }

    /**
     * How pod {@code follower} reaches pod {@code source} inside the cluster: its stable DNS name under the
     * headless Service ({@code mysql-0.mysql}), as the manifests' sidecar gives it to {@code CHANGE MASTER TO}.
     */
    @Override
    public PodEndpoint replicationAddress(int follower, int source) {
        return new PodEndpoint(source, spec.podName(source), spec.podHost(source), spec.port(), ADMIN_USER);
    }

    /**
     * Sets the StatefulSet's {@code spec.replicas} and waits for the controller: scaling up, until the new
     * pods are Ready, checking that each was created only once its predecessor was Ready; scaling down, until
     * the pods above the new size are gone, checking that they went highest ordinal first. Both within
     * {@code mysqlsts.k3s.startupTimeout}.
     */
    @Override
    public void scale(int newReplicas) {
        checkOpen();
        if (newReplicas < 0) {
            throw new IllegalArgumentException("replicas " + newReplicas + ": must be 0 or more");
        }
        StatefulSet sts = client.apps().statefulSets().inNamespace(namespace).withName(spec.statefulSetName()).get();
        int current = sts.getSpec().getReplicas() == null ? 1 : sts.getSpec().getReplicas();
        if (newReplicas == current) {
            return;
        }
        boolean ordered = !"Parallel".equals(sts.getSpec().getPodManagementPolicy());
        ReadinessWaiter waiter = new ReadinessWaiter(client, namespace, spec.statefulSetName(), podLabels,
                settings.toleratedRestarts());
        try (ReadinessWaiter.Watch watch = newReplicas > current
                ? waiter.watch(newReplicas, ordered ? current : ReadinessWaiter.NO_ORDER_CHECK)
                : waiter.watchRemoval(newReplicas, ordered)) {
            client.apps().statefulSets().inNamespace(namespace).withName(spec.statefulSetName())
                    .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"replicas\":" + newReplicas + "}}");
            LOG.info("K3S {}: scaling StatefulSet {} from {} to {} replicas", name, spec.statefulSetName(), current,
                    newReplicas);
            watch.await(settings.startupTimeout(), K3sSettings.STARTUP_TIMEOUT);
        }
        for (int n = newReplicas; n < current; n++) {
            LoopbackForwarder gone = forwarders.remove(n);
            if (gone != null) {
                gone.close();
            }
        }
        tuning.forgetFrom(newReplicas);
        tuneFollowers();
    }

    /**
     * Like the read Service ({@code mysql-read} in the seed): each new connection to this endpoint goes to
     * one of the Service's Ready endpoints, in turn. Its {@code ordinal()} is -1 and its {@code name()} the
     * Service's name.
     *
     * @throws IllegalStateException when the manifests have no read Service
     */
    @Override
    public PodEndpoint readEndpoint() {
        checkOpen();
        if (spec.readServiceName() == null) {
            throw new IllegalStateException("the manifests of " + spec.source() + " have no read Service (a second"
                    + " Service selecting the StatefulSet's pods, like mysql-read)");
        }
        LoopbackForwarder forwarder = readForwarder;
        if (forwarder == null) {
            synchronized (this) {
                if (readForwarder == null) {
                    readForwarder = new LoopbackForwarder(name + "-" + spec.readServiceName(), this::nextReadPod,
                            spec.port(), connector, clientPaths);
                }
                forwarder = readForwarder;
            }
        }
        return new PodEndpoint(-1, spec.readServiceName(), forwarder.host(), forwarder.port(), ADMIN_USER);
    }

    /**
     * The writer endpoint: a listener of its own whose each new connection goes to ordinal 0, the leader: on K3S no
     * promotion moves the role ({@link #restartInRole} is unsupported), so the leader is always ordinal 0.
     */
    @Override
    public PodEndpoint writerEndpoint() {
        checkOpen();
        LoopbackForwarder forwarder = writerForwarder;
        if (forwarder == null) {
            synchronized (this) {
                if (writerForwarder == null) {
                    writerForwarder = new LoopbackForwarder(name + "-writer", () -> spec.podName(0), spec.port(),
                            connector, clientPaths);
                }
                forwarder = writerForwarder;
            }
        }
        return new PodEndpoint(-1, spec.statefulSetName() + " writer endpoint", forwarder.host(), forwarder.port(),
                ADMIN_USER);
    }

    /** The read Service's listener: {@link #readEndpoint()} is stable already on K3S. */
    @Override
    public PodEndpoint readServiceEndpoint() {
        return readEndpoint();
    }

    /**
     * The pods behind the read Service now: the Ready endpoints of its EndpointSlices, sorted by name. Empty
     * when the manifests have no read Service.
     */
    public List<String> readServicePods() {
        if (spec.readServiceName() == null) {
            return List.of();
        }
        return client.discovery().v1().endpointSlices().inNamespace(namespace)
                .withLabel("kubernetes.io/service-name", spec.readServiceName()).list().getItems().stream()
                .map(EndpointSlice::getEndpoints)
                .filter(java.util.Objects::nonNull)
                .flatMap(List::stream)
                .filter(e -> e.getConditions() == null || !Boolean.FALSE.equals(e.getConditions().getReady()))
                .map(Endpoint::getTargetRef)
                .filter(ref -> ref != null && "Pod".equals(ref.getKind()) && ref.getName() != null)
                .map(ref -> ref.getName())
                .distinct()
                .sorted()
                .toList();
    }

    private String nextReadPod() {
        List<String> pods = readServicePods();
        if (pods.isEmpty()) {
            throw new IllegalStateException("Service " + spec.readServiceName() + " in namespace " + namespace
                    + " has no Ready endpoints");
        }
        return pods.get(Math.floorMod(nextRead.getAndIncrement(), pods.size()));
    }

    /** Whether the kubelet last found the pod Ready (its readiness probe runs every {@code periodSeconds}). */
    @Override
    public boolean isReady(int ordinal) {
        Pod pod = client.pods().inNamespace(namespace).withName(spec.podName(ordinal)).get();
        return pod != null && ReadinessWaiter.isReady(pod);
    }

    /**
     * Waits until every pod is Ready. A crashing container is left to the kubelet's restarts here (a fault
     * may have crashed it on purpose), so it shows in the timeout's list of pods and conditions; an image or
     * config error fails at once, with the pod's events and logs.
     */
    @Override
    public void awaitReady(Duration timeout) {
        ReadinessWaiter waiter = new ReadinessWaiter(client, namespace, spec.statefulSetName(), podLabels,
                settings.toleratedRestarts());
        try (ReadinessWaiter.Watch watch = waiter.watchRecovery(replicas())) {
            watch.await(timeout, "the timeout given to awaitReady");
        }
        tuneFollowers();
    }

    /**
     * Faults made where Kubernetes sees them: the container killed and frozen through containerd and the
     * network cut and delayed in the pod's namespace, from the node; pods deleted and probes broken through
     * the API server. One instance per cluster, which remembers what is in force until {@code restoreAll}.
     * A deleted pod must be back and Ready within {@value K3sSettings#STARTUP_TIMEOUT}.
     */
    @Override
    public synchronized K3sFaults faults() {
        checkOpen();
        if (faults == null) {
            faults = new K3sFaults(name, spec, client, namespace, nodeShell, containerShell, settings.startupTimeout(),
                    clientPaths);
        }
        return faults;
    }

    /**
     * Not on K3S: promotion restarts one pod with the leader's config, and a StatefulSet cannot do that.
     *
     * @throws UnsupportedOperationException always, saying why
     */
    @Override
    public void restartInRole(int ordinal, boolean leader) {
        throw new UnsupportedOperationException("promote(" + ordinal + ") is not supported on K3S: a promotion restarts "
                + spec.podName(ordinal) + " with the leader's config (" + spec.leaderConfig().key() + ": binary log on,"
                + " writes allowed), and a StatefulSet cannot give one pod another config. All its pods come from one"
                + " template whose init script picks the config by ordinal (" + spec.leaderConfig().key()
                + " for ordinal 0, " + spec.followerConfig().key() + " for the others), so a restarted "
                + spec.podName(ordinal) + " comes back as a follower. The LOCAL backend supports promote:"
                + " @MySqlStatefulSet(backend = Backend.LOCAL).");
    }

    /** Not on K3S, for the reason {@link #restartInRole} gives. */
    @Override
    public void assignRole(int ordinal, boolean leader) {
        restartInRole(ordinal, leader);
    }

    /**
     * What {@code kubectl delete pvc data-mysql-N; kubectl delete pod mysql-N} does: each volume claim of the pod
     * (one per volumeClaimTemplate, {@code <template>-<statefulset>-<ordinal>}) is deleted (its
     * {@code kubernetes.io/pvc-protection} finalizer keeps it until the pod is gone), then the pod; the
     * StatefulSet controller creates the pod again and, for a claim that is missing, a new one from the template
     * (kubernetes {@code pkg/controller/statefulset/stateful_set_control.go}, which also creates missing claims for
     * a Pending pod), so the init containers find an empty volume and clone the previous ordinal, and the sidecar
     * starts replication from ordinal 0. Returns once the new pod is Ready on new claims.
     *
     * @throws IllegalArgumentException for a leader other than 0 (the manifests' sidecar always follows ordinal 0)
     */
    @Override
    public void rebuild(int ordinal, int leader) {
        checkOpen();
        if (leader != 0) {
            throw new IllegalArgumentException("rebuild(" + ordinal + ") with leader " + leader + " on K3S: the"
                    + " manifests' sidecar always replicates from " + spec.podName(0) + "; promote is LOCAL only");
        }
        List<String> claims = claimNames(ordinal);
        Map<String, String> oldUids = new java.util.LinkedHashMap<>();
        for (String claim : claims) {
            var pvc = client.persistentVolumeClaims().inNamespace(namespace).withName(claim).get();
            if (pvc != null) {
                oldUids.put(claim, pvc.getMetadata().getUid());
            }
        }
        long started = System.nanoTime();
        LOG.info("K3S {}: rebuild {}: deleting its volume claims {} and the pod", name, spec.podName(ordinal), claims);
        faults().replacePod(ordinal, "rebuild", () -> {
            for (String claim : claims) {
                client.persistentVolumeClaims().inNamespace(namespace).withName(claim).delete();
            }
            client.pods().inNamespace(namespace).withName(spec.podName(ordinal)).delete();
        });
        for (String claim : claims) {
            var pvc = client.persistentVolumeClaims().inNamespace(namespace).withName(claim).get();
            if (pvc == null || pvc.getMetadata().getUid().equals(oldUids.get(claim))) {
                throw new K3sBackendException("K3S " + name + ": rebuild(" + ordinal + "): " + spec.podName(ordinal)
                        + " is Ready again, but " + (pvc == null ? "its volume claim " + claim + " does not exist"
                        : "on its old volume claim " + claim + " (uid " + oldUids.get(claim) + ")")
                        + ", so its data was not thrown away");
            }
        }
        LOG.info("K3S {}: {} rebuilt on new volume claims in {} ms", name, spec.podName(ordinal),
                (System.nanoTime() - started) / 1_000_000);
        tuneFollowers();
    }

    /** The pod's claims from the StatefulSet's volumeClaimTemplates: {@code data-mysql-1}. */
    private List<String> claimNames(int ordinal) {
        StatefulSet sts = client.apps().statefulSets().inNamespace(namespace).withName(spec.statefulSetName()).get();
        if (sts == null || sts.getSpec().getVolumeClaimTemplates() == null
                || sts.getSpec().getVolumeClaimTemplates().isEmpty()) {
            throw new UnsupportedOperationException("rebuild(" + ordinal + ") on K3S deletes the pod's volume claims,"
                    + " and the StatefulSet " + spec.statefulSetName() + " of " + spec.source() + " has no"
                    + " volumeClaimTemplates: its pods keep no data of their own (deletePod does the rest)");
        }
        return sts.getSpec().getVolumeClaimTemplates().stream()
                .map(t -> t.getMetadata().getName() + "-" + spec.podName(ordinal))
                .toList();
    }

    @Override
    public void collectDiagnostics(String testName) {
        Path dir = DiagnosticsWriter.directory(settings.diagnosticsDir(), name, testName);
        try {
            new DiagnosticsWriter(client, namespace, spec.statefulSetName(), podLabels).write(dir);
            LOG.info("K3S {}: diagnostics for '{}' (pod status, events, container logs) written to {}", name, testName,
                    dir.toAbsolutePath());
        } catch (RuntimeException e) {
            LOG.warn("K3S {}: could not write diagnostics for '{}' to {}: {}", name, testName, dir.toAbsolutePath(),
                    e.getMessage());
        }
    }

    /**
     * Closes the loopback endpoints and deletes the namespace. With {@code keepForDebugging}, the pods'
     * status, events and logs are first written to the diagnostics directory (the namespace still goes, so a
     * reused k3s does not accumulate clusters).
     */
    @Override
    public void close(boolean keepForDebugging) {
        if (closed) {
            return;
        }
        if (keepForDebugging) {
            collectDiagnostics("at-close");
        }
        closed = true;
        if (restarts != null) {
            restarts.close();
        }
        retuner.shutdownNow();
        forwarders.values().forEach(LoopbackForwarder::close);
        forwarders.clear();
        if (writerForwarder != null) {
            writerForwarder.close();
        }
        if (readForwarder != null) {
            readForwarder.close();
        }
        deleteNamespace(client, namespace, name);
    }

    static void deleteNamespace(KubernetesClient client, String namespace, String clusterName) {
        try {
            client.namespaces().withName(namespace).delete();
            LOG.info("K3S {}: namespace {} deleted", clusterName, namespace);
        } catch (KubernetesClientException e) {
            LOG.warn("K3S {}: could not delete namespace {}: {}", clusterName, namespace, e.getMessage());
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("K3S cluster " + name + " is closed");
        }
    }

    @Override
    public String toString() {
        return name + " (namespace " + namespace + ")";
    }
}
