package dev.mysqlsts.local;

import dev.mysqlsts.backend.PodEndpoint;
import dev.mysqlsts.backend.RunningStatefulSet;
import dev.mysqlsts.manifest.ClusterSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A StatefulSet of server processes on this host, pods started in ordinal order (OrderedReady). */
final class LocalStatefulSet implements RunningStatefulSet {

    private static final Logger LOG = LoggerFactory.getLogger(LocalStatefulSet.class);

    private final PodEnvironment env;
    private final List<LocalPod> pods = new ArrayList<>();
    private final ExecutorService supervisor;
    private final PodNetwork network;
    private final LocalFaults faults;
    private boolean closed;

    LocalStatefulSet(PodEnvironment env, ExecutorService supervisor) {
        this.env = env;
        this.supervisor = supervisor;
        this.network = new PodNetwork(env.clusterName(), ordinal -> pod(ordinal).serverAddress(), env.spec()::podName);
        this.faults = new LocalFaults(this, network);
    }

    /** Starts ordinals 0..replicas-1, each only after the previous one is Ready. */
    void startAll() {
        long started = System.nanoTime();
        scaleUp(env.spec().replicas());
        LOG.info("cluster {} ready: {}/{} pods in {} ms ({}, data in {})", env.clusterName(), pods.size(),
                env.spec().replicas(), (System.nanoTime() - started) / 1_000_000, env.binaries(), env.clusterDir());
    }

    /**
     * Changes the number of pods as the StatefulSet controller does: up in ordinal order, each new pod only
     * once every existing pod is Ready; down from the highest ordinal, each pod stopped before the next.
     * A pod that comes back keeps the data its volume had (the PVC outlives scale-down).
     */
    @Override
    public synchronized void scale(int replicas) {
        if (replicas < 1) {
            throw new IllegalArgumentException("scale(" + replicas + "): a StatefulSet needs at least 1 replica here, "
                    + "since ordinal 0 is the leader");
        }
        if (replicas > pods.size()) {
            scaleUp(replicas);
        }
        while (pods.size() > replicas) {
            LocalPod last = pods.remove(pods.size() - 1);
            last.stop();
            LOG.info("{} terminated (scale down to {})", last.name(), replicas);
        }
    }

    private void scaleUp(int replicas) {
        while (pods.size() < replicas) {
            int ordinal = pods.size();
            for (LocalPod existing : pods) {
                if (!existing.isReady()) {
                    throw new IllegalStateException("scale to " + replicas + " halted before " + env.spec().podName(ordinal)
                            + ": " + existing.name() + " is not Ready (its " + env.probe() + " fails), and the "
                            + "StatefulSet controller creates no pod while another is not Ready");
                }
            }
            LocalPod pod = new LocalPod(env, ordinal, network.clientPort(ordinal));
            pods.add(pod);
            // as the manifests' sidecar does, every follower replicates from the leader (ordinal 0 unless promoted)
            pod.start(ordinal == 0 ? null : pods.get(ordinal - 1),
                    ordinal == 0 ? null : replicationAddress(ordinal, leaderOrdinal()));
        }
    }

    @Override
    public String name() {
        return env.clusterName();
    }

    @Override
    public ClusterSpec spec() {
        return env.spec();
    }

    @Override
    public synchronized int replicas() {
        return pods.size();
    }

    @Override
    public PodEndpoint endpoint(int ordinal) {
        return pod(ordinal).endpoint();
    }

    @Override
    public PodEndpoint replicationAddress(int follower, int source) {
        PodEndpoint target = endpoint(source);
        return new PodEndpoint(source, target.name(), "127.0.0.1", network.linkPort(follower, source), target.adminUser());
    }

    /** Like the read Service: a Ready pod, chosen at random, as kube-proxy spreads connections. */
    @Override
    public PodEndpoint readEndpoint() {
        List<LocalPod> candidates = new ArrayList<>(snapshot());
        Collections.shuffle(candidates);
        for (LocalPod pod : candidates) {
            if (pod.isReady()) {
                return pod.endpoint();
            }
        }
        String service = env.spec().readServiceName();
        throw new IllegalStateException("no pod of " + (service == null ? "the StatefulSet "
                + env.spec().statefulSetName() : "Service " + service) + " is Ready: "
                + candidates.stream().map(LocalPod::name).sorted().collect(Collectors.joining(", "))
                + " fail their readiness probe");
    }

    @Override
    public LocalFaults faults() {
        return faults;
    }

    @Override
    public void restartInRole(int ordinal, boolean leader) {
        LocalPod pod = pod(ordinal);
        pod.assignRole(leader);
        pod.recreate();
    }

    @Override
    public void assignRole(int ordinal, boolean leader) {
        pod(ordinal).assignRole(leader);
    }

    @Override
    public synchronized void rebuild(int ordinal, int leader) {
        if (ordinal == 0 || ordinal == leader) {
            throw new IllegalArgumentException("rebuild(" + ordinal + "): " + env.spec().podName(ordinal) + " is "
                    + (ordinal == leader ? "the leader" : "ordinal 0, which has no previous ordinal to clone from")
                    + "; only a follower with ordinal 1 or more can be rebuilt");
        }
        long started = System.nanoTime();
        LocalPod pod = pod(ordinal);
        LOG.info("{}: rebuilding (pod and volume deleted; cloned again from {})", pod.name(), env.spec().podName(ordinal - 1));
        pod.rebuild(pod(ordinal - 1), replicationAddress(ordinal, leader));
        LOG.info("{} rebuilt in {} ms", pod.name(), (System.nanoTime() - started) / 1_000_000);
    }

    /** The pod whose role is the leader's: ordinal 0 unless a promotion moved it. */
    private synchronized int leaderOrdinal() {
        return pods.stream().filter(LocalPod::isLeaderRole).mapToInt(LocalPod::ordinal).findFirst().orElse(0);
    }

    /** A graceful delete of the pod; it comes back with its name, data and role. */
    void recreate(int ordinal) {
        pod(ordinal).recreate();
    }

    @Override
    public boolean isReady(int ordinal) {
        return pod(ordinal).isReady();
    }

    @Override
    public void awaitReady(Duration timeout) {
        List<String> failures = new ArrayList<>();
        for (LocalPod pod : snapshot()) {
            try {
                pod.awaitReady(timeout);
            } catch (LocalBackendException e) {
                failures.add(e.getMessage());
            }
        }
        if (!failures.isEmpty()) {
            throw new LocalBackendException("cluster " + name() + " is not Ready:\n" + String.join("\n", failures));
        }
    }

    /** The pod's server process id, while it runs. */
    long pid(int ordinal) {
        return pod(ordinal).pid();
    }

    @Override
    public void close(boolean keepForDebugging) {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        List<LocalPod> all = snapshot();
        CompletableFuture.allOf(all.stream().map(pod -> CompletableFuture.runAsync(pod::stop))
                .toArray(CompletableFuture[]::new)).join();
        supervisor.shutdownNow();
        network.close();
        if (keepForDebugging) {
            LOG.warn("cluster {} stopped; its data directories and logs are kept for debugging in {}", name(),
                    Directories.keep(env.clusterDir()));
        } else {
            Directories.deleteRecursively(env.clusterDir());
            LOG.debug("cluster {} stopped and removed", name());
        }
    }

    private synchronized List<LocalPod> snapshot() {
        return List.copyOf(pods);
    }

    synchronized LocalPod pod(int ordinal) {
        if (ordinal < 0 || ordinal >= pods.size()) {
            throw new IllegalArgumentException("ordinal " + ordinal + " is outside the cluster: its pods are "
                    + pods.stream().map(LocalPod::name).collect(Collectors.joining(", ")));
        }
        return pods.get(ordinal);
    }

    static ExecutorService newSupervisor(String clusterName) {
        return Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "mysqlsts-supervisor-" + clusterName);
            thread.setDaemon(true);
            return thread;
        });
    }
}
