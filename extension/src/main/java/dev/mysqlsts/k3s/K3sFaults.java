package dev.mysqlsts.k3s;

import dev.mysqlsts.backend.ClientPaths;
import dev.mysqlsts.backend.FaultInjector;
import dev.mysqlsts.manifest.ClusterSpec;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Faults on the K3S backend, made where Kubernetes would see them happen, one mechanism per class:
 *
 * <ul>
 *   <li>{@link ProcessSignals}: crash and freeze of mysqld by signals from the node through containerd;</li>
 *   <li>{@link NetworkRules}: iptables (cuts, loss) and netem (latency, jitter, bandwidth, {@link NetemQdiscs}) in
 *       the pod's network namespace, entered from the node;</li>
 *   <li>{@link ProbeStub}: a failing stub in place of the readiness probe's binary, through exec;</li>
 *   <li>{@link ClientPaths}: the client-path faults, made by the harness's own port-forward listeners
 *       ({@link LoopbackForwarder}) that every connection of the test and the application passes through;</li>
 *   <li>here: pods deleted through the API server, and {@link #restoreAll()}.</li>
 * </ul>
 *
 * Without node access (a cluster reached only through its API server) the node faults throw
 * {@link UnsupportedOperationException}; {@code deletePod} and the readiness faults still work.
 */
final class K3sFaults implements FaultInjector {

    private static final Logger LOG = LoggerFactory.getLogger(K3sFaults.class);

    private final String clusterName;
    private final ClusterSpec spec;
    private final KubernetesClient client;
    private final String namespace;
    private final Duration recreateTimeout;
    private final ContainerTasks tasks;
    private final ProcessSignals signals;
    private final NetworkRules network;
    private final ProbeStub probes;
    private final ClientPaths clientPaths;

    /**
     * @param node            commands on the node, or null where the harness has no access to the node
     * @param containers      commands in a container of a pod of this namespace
     * @param recreateTimeout how long {@link #deletePod} waits for the pod to be back and Ready, and
     *                        {@link #kill} for the kubelet to see the crash
     */
    K3sFaults(String clusterName, ClusterSpec spec, KubernetesClient client, String namespace, NodeShell node,
              ContainerShell containers, Duration recreateTimeout) {
        this(clusterName, spec, client, namespace, node, containers, recreateTimeout, new ClientPaths());
    }

    /** @param clientPaths the client-path faults the cluster's port-forward listeners obey */
    K3sFaults(String clusterName, ClusterSpec spec, KubernetesClient client, String namespace, NodeShell node,
              ContainerShell containers, Duration recreateTimeout, ClientPaths clientPaths) {
        this.clientPaths = clientPaths;
        this.clusterName = clusterName;
        this.spec = spec;
        this.client = client;
        this.namespace = namespace;
        this.recreateTimeout = recreateTimeout;
        NodeCommands commands = new NodeCommands(clusterName, spec, node);
        this.tasks = new ContainerTasks(commands, client, namespace, mysqlContainerName(spec));
        this.signals = new ProcessSignals(commands, tasks, recreateTimeout);
        this.network = new NetworkRules(commands, tasks);
        this.probes = new ProbeStub(commands, tasks, containers);
    }

    @Override
    public void kill(int ordinal) {
        signals.kill(ordinal);
    }

    @Override
    public void pause(int ordinal) {
        signals.pause(ordinal);
    }

    @Override
    public void resume(int ordinal) {
        signals.resume(ordinal);
    }

    @Override
    public void cut(Set<Integer> side, Set<Integer> otherSide) {
        network.cut(side, otherSide);
    }

    @Override
    public void cutOneWay(int from, int to) {
        network.cutOneWay(from, to);
    }

    @Override
    public void latency(int ordinal, Duration delay) {
        network.latency(ordinal, delay);
    }

    @Override
    public void loss(int ordinal, double probability) {
        network.loss(ordinal, probability);
    }

    @Override
    public void jitter(int ordinal, Duration delay, Duration jitter) {
        network.jitter(ordinal, delay, jitter);
    }

    @Override
    public void bandwidth(int ordinal, long bytesPerSecond) {
        network.bandwidth(ordinal, bytesPerSecond);
    }

    @Override
    public void breakReadiness(int ordinal, boolean broken) {
        if (broken) {
            probes.breakReadiness(ordinal);
        } else {
            probes.restoreReadiness(ordinal);
        }
    }

    /**
     * Deletes the pod through the API server (gracefully, as {@code kubectl delete pod} does) and waits until
     * the StatefulSet controller has created a new pod of that name (a new uid) and it is Ready. The new pod
     * has the same name and volume claim; its containers, network namespace and IP are new, so faults inside
     * them (a broken probe, a delay) are gone with the old pod, while a cut is made again for the new IP.
     */
    @Override
    public synchronized void deletePod(int ordinal) {
        replacePod(ordinal, "deletePod", () -> client.pods().inNamespace(namespace).withName(spec.podName(ordinal))
                .delete());
    }

    /**
     * Runs {@code delete} (which removes the pod) and waits until a new pod of that name is Ready; then makes
     * the cuts again for its new IP.
     */
    synchronized void replacePod(int ordinal, String fault, Runnable delete) {
        String name = spec.podName(ordinal);
        if (signals.isPaused(ordinal)) {
            // a frozen server never sees the SIGTERM: the pod would go only at the end of its grace period
            signals.resume(ordinal);
        }
        Pod old = tasks.pod(ordinal);
        String uid = old.getMetadata().getUid();
        probes.forget(ordinal);
        // watch from before the delete, so neither the deletion nor the new pod can be missed
        CompletableFuture<Pod> recreated = new CompletableFuture<>();
        try (SharedIndexInformer<Pod> informer = client.pods().inNamespace(namespace).withName(name)
                .inform(new ResourceEventHandler<>() {
                    @Override
                    public void onAdd(Pod pod) {
                        seen(pod);
                    }

                    @Override
                    public void onUpdate(Pod oldPod, Pod newPod) {
                        seen(newPod);
                    }

                    @Override
                    public void onDelete(Pod pod, boolean deletedFinalStateUnknown) {
                    }

                    private void seen(Pod pod) {
                        if (!Objects.equals(uid, pod.getMetadata().getUid()) && ReadinessWaiter.isReady(pod)) {
                            recreated.complete(pod);
                        }
                    }
                }, 0)) {
            LOG.debug("K3S {}: {} {}: DELETE pod {} (uid {}) in namespace {}", clusterName, fault, name, name, uid,
                    namespace);
            delete.run();
            recreated.get(recreateTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            Pod now = client.pods().inNamespace(namespace).withName(name).get();
            String state = now == null ? name + " has not been created again"
                    : Objects.equals(uid, now.getMetadata().getUid()) ? "the old " + PodReports.status(now)
                    : "the new " + PodReports.status(now);
            throw new K3sBackendException("K3S " + clusterName + ": faults." + fault + "(" + ordinal + "): pod " + name
                    + " was deleted, but no new pod " + name + " was Ready within " + recreateTimeout + " ("
                    + K3sSettings.STARTUP_TIMEOUT + " sets this timeout). Now: " + state
                    + ". The StatefulSet controller recreates a deleted pod; the new one must pass its readiness probe.");
        } catch (ExecutionException e) {
            throw new K3sBackendException("K3S " + clusterName + ": faults." + fault + "(" + ordinal + "): waiting for"
                    + " the new pod " + name + " failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new K3sBackendException("K3S " + clusterName + ": faults." + fault + "(" + ordinal + "): interrupted"
                    + " while waiting for the new pod " + name, e);
        }
        LOG.debug("K3S {}: {} {}: a new {} is Ready", clusterName, fault, name, name);
        network.recreated(ordinal);
    }

    @Override
    public ClientPaths clientPaths() {
        return clientPaths;
    }

    /**
     * Refused: a wall clock per pod cannot be made faithfully here. Kubernetes gives a container no time namespace,
     * and Linux time namespaces virtualize only CLOCK_MONOTONIC and CLOCK_BOOTTIME, never CLOCK_REALTIME (the man page
     * time_namespaces(7)); the image's server is already running, so no LD_PRELOAD library can be put into it.
     * What would do it: Chaos Mesh's TimeChaos, which attaches to the container's main process with ptrace and
     * rewrites its vDSO clock_gettime (chaos-mesh/chaos-mesh, doc/time_chaos.md and
     * website/docs/user_guides/time_chaos.md: "Time modification can only be injected into the main process of
     * container"), or an image whose entrypoint preloads libfaketime.
     */
    @Override
    public void clockSkew(int ordinal, Duration offset) {
        throw new UnsupportedOperationException("faults.clockSkew(" + ordinal + ", " + offset + ") is not supported on "
                + "K3S: Kubernetes gives a container no clock of its own (Linux time namespaces shift only the "
                + "monotonic and boot clocks, never the wall clock, and Kubernetes does not create them), and no "
                + "library can be preloaded into the image's running mysqld. It needs Chaos Mesh's TimeChaos (ptrace "
                + "into the container's main process, its vDSO clock_gettime rewritten) or an image that starts mysqld "
                + "under libfaketime; on LOCAL it runs under libfaketime (backend = Backend.LOCAL)");
    }

    /**
     * Refused: no faithful full or failing disk for one pod. The pod's volume is a directory on the node (k3s
     * local-path), shared with every other volume; the image's running mysqld cannot be given libfiu. It needs an
     * injecting filesystem under the volume, as Chaos Mesh's IOChaos mounts (a FUSE layer between the container and
     * its volume: chaos-mesh/chaos-mesh, website/docs/user_guides/io_chaos.md, and its FAQ: "Chaos-mesh uses fuse to
     * hijack I/O operations"), or a small dedicated volume that can really be filled.
     */
    @Override
    public java.util.concurrent.CompletionStage<Void> diskFault(int ordinal, dev.mysqlsts.backend.DiskFault fault) {
        String call = fault == dev.mysqlsts.backend.DiskFault.FULL ? "diskFull" : "ioErrors";
        throw new UnsupportedOperationException("faults." + call + "(" + ordinal + ") is not supported on K3S: the "
                + "pod's volume is a directory of the node's disk (local-path) shared with the other volumes, and no "
                + "library can be preloaded into the image's running mysqld. It needs an injecting filesystem under "
                + "the volume, as Chaos Mesh's IOChaos mounts (a FUSE layer between the container and its volume); "
                + "on LOCAL it runs under libfiu (backend = Backend.LOCAL)");
    }

    /**
     * Refused: the pods' page cache is the node's kernel's, shared by every pod and by k3s itself; dropping one
     * server's unsynced writes needs a file system that keeps them apart (LazyFS, FUSE) under the volume, or a
     * block device that can drop writes (dm-log-writes, dm-flakey), neither of which the k3s image has.
     */
    @Override
    public void powerCut() {
        throw new UnsupportedOperationException("faults.powerCut() is not supported on K3S: the pods' page cache is the "
                + "node's kernel's, and dropping a server's unsynced writes needs a file system under the volume that "
                + "keeps them apart (LazyFS) or a block device that drops them (dm-flakey); faults.killAll() crashes "
                + "every server with the page cache kept. On LOCAL the power-cut layer does it (backend = Backend.LOCAL)");
    }

    /** Nothing to undo: {@link #diskFault} is refused. */
    @Override
    public void restoreDisk(int ordinal) {
    }

    /** Nothing to undo: {@link #clockSkew} and {@link #diskFault} are refused. */
    @Override
    public void restoreHost() {
    }

    /**
     * Undoes what is in force: thaws stopped containers first, restores probe binaries, removes netem, flushes
     * the {@value NetworkRules#CHAIN} and {@value NetworkRules#LOSS_CHAIN} chains. What is gone already (a recreated pod, a restarted container) is
     * skipped; other failures are logged and the rest goes on.
     */
    @Override
    public synchronized void restoreAll() {
        signals.resumeAll();
        probes.restoreAll();
        network.restoreAll();
    }

    /** The binary the readiness probe runs (see {@link ProbeStub#probeBinary}). */
    static String probeBinary(ClusterSpec spec) {
        return ProbeStub.probeBinary(spec);
    }

    static String netemDelay(Duration delay) {
        return NetemQdiscs.netemDelay(delay);
    }

    /**
     * The StatefulSet's server container: the one named {@code mysql}, else the one whose readiness probe is
     * the spec's, else the one with the spec's port, else the first (as the manifest reader chooses it).
     */
    static String mysqlContainerName(ClusterSpec spec) {
        List<Container> containers = spec.objects().stream()
                .filter(o -> o instanceof StatefulSet && spec.statefulSetName().equals(o.getMetadata().getName()))
                .map(StatefulSet.class::cast)
                .findFirst()
                .map(sts -> PodReports.list(sts.getSpec().getTemplate().getSpec().getContainers()))
                .orElse(List.of());
        return containers.stream().filter(c -> "mysql".equals(c.getName())).findFirst()
                .or(() -> containers.stream().filter(c -> c.getReadinessProbe() != null
                        && c.getReadinessProbe().getExec() != null
                        && spec.readiness().command().equals(c.getReadinessProbe().getExec().getCommand())).findFirst())
                .or(() -> containers.stream().filter(c -> PodReports.list(c.getPorts()).stream()
                        .anyMatch(p -> Objects.equals(p.getContainerPort(), spec.port()))).findFirst())
                .or(() -> containers.stream().findFirst())
                .map(Container::getName)
                .orElse("mysql");
    }
}
