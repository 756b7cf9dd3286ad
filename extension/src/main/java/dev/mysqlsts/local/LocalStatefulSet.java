package dev.mysqlsts.local;

import dev.mysqlsts.backend.PodEndpoint;
import dev.mysqlsts.backend.RunningStatefulSet;
import dev.mysqlsts.manifest.ClusterSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
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
    private final PodNetwork network;
    private final LocalFaults faults;
    private boolean closed;
    /** The snapshot being taken of the cluster's first start, while it runs. */
    private ClusterSnapshots.Capture capture;
    /** The snapshot taken of the cluster's start, stored when the cluster stops. */
    private ClusterSnapshots.Capture unstored;

    LocalStatefulSet(PodEnvironment env) {
        this.env = env;
        this.network = new PodNetwork(env.clusterName(), ordinal -> pod(ordinal).serverAddress(), env.spec()::podName,
                this::leaderOrdinal, this::replicas, this::isReady);
        this.faults = new LocalFaults(this, network);
    }

    /**
     * Starts ordinals 0..replicas-1: with OrderedReady (the default) each only after the previous one is Ready, with
     * Parallel all at once. When a snapshot of a cloned start of the same shape exists (see {@link ClusterSnapshots})
     * the followers' data is restored from it, while keeping the order; otherwise the followers are cloned and, with
     * snapshots on, their clones are kept for the next cluster of this shape.
     */
    void startAll() {
        long started = System.nanoTime();
        env.harnessOptionNotes().forEach(note -> LOG.info("cluster {}: {}", env.clusterName(), note));
        int replicas = env.spec().replicas();
        Optional<ClusterSnapshots.Snapshot> snapshot = env.snapshots() == null || replicas < 2 ? Optional.empty()
                : env.snapshots().find(env, replicas);
        String how = snapshot.isPresent() ? restore(snapshot.get(), replicas) : startCloned(replicas);
        LOG.info("cluster {} ready: {}/{} pods in {} ms ({}; {}, data in {})", env.clusterName(), pods.size(),
                env.spec().replicas(), (System.nanoTime() - started) / 1_000_000, how, env.binaries(), env.clusterDir());
    }

    /** The faithful start: every follower cloned from the previous ordinal, its clone kept when snapshots are on. */
    private String startCloned(int replicas) {
        ClusterSnapshots.Capture taking = env.snapshots() == null || replicas < 2 ? null
                : env.snapshots().begin(env, replicas);
        capture = taking;
        try {
            if (env.spec().parallel()) {
                startParallel(replicas);
            } else {
                scaleUp(replicas);
            }
        } catch (RuntimeException e) {
            if (taking != null) {
                taking.abandon(e.getMessage());
            }
            throw e;
        } finally {
            capture = null;
        }
        String how = env.spec().parallel() ? "cloned, " + ClusterSpec.PARALLEL : "cloned";
        if (taking == null) {
            return how;
        }
        how += "; " + taking.finish(snapshot());
        unstored = taking.finished() ? taking : null;
        return how;
    }

    /**
     * Restores the followers' data directories from a snapshot: their copies start at once in the background (no
     * copy depends on another pod's readiness) while ordinal 0 starts on a new data directory, as in every start; the
     * pods start in the manifests' order and each waits for its own copy. Should the new leader's binary log not end
     * where the snapshot's did, the restored followers are rebuilt (cloned) and the snapshot is dropped.
     */
    private String restore(ClusterSnapshots.Snapshot snapshot, int replicas) {
        ExecutorService copier = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "mysqlsts-restore-" + env.clusterName());
            thread.setDaemon(true);
            return thread;
        });
        try {
            LocalPod leader = newPod(0);
            // the followers, their volumes and their replication links are made while ordinal 0 starts
            CompletableFuture<List<LocalPod>> followers = CompletableFuture.supplyAsync(
                    () -> followersWithRestoredVolumes(snapshot, replicas, copier), copier);
            List<LocalPod> restored = new ArrayList<>(List.of(leader));
            CompletableFuture<ClusterSnapshots.BinlogEnd> leaderEnd;
            if (env.spec().parallel()) {
                restored.addAll(join(followers));
                synchronized (this) {
                    pods.addAll(restored);
                }
                runAll(restored);
                leaderEnd = CompletableFuture.completedFuture(ClusterSnapshots.BinlogEnd.of(leader.serverEndpoint()));
            } else {
                pods.add(leader);
                leader.start(null, null, new PodPhases());
                // read beside the followers' starts, which do not change it (they write nothing to the leader)
                leaderEnd = CompletableFuture.supplyAsync(() -> ClusterSnapshots.BinlogEnd.of(leader.serverEndpoint()),
                        env.threads());
                restored.addAll(join(followers));
                // each start returns once the pod's readiness probe passed: the next one starts only then
                for (LocalPod pod : restored.subList(1, replicas)) {
                    pods.add(pod);
                    pod.start(null, replicationAddress(pod.ordinal(), 0), new PodPhases());
                }
            }
            for (LocalPod pod : restored) {
                pod.sidecar().await(env.startupTimeout());
            }
            ClusterSnapshots.BinlogEnd end = join(leaderEnd);
            String how = "restored from a snapshot of a cloned start, " + snapshot.dir();
            if (!end.equals(snapshot.leaderEnd())) {
                LOG.warn("cluster {}: {}'s binary log ends at {}, the snapshot's leader's ended at {}: the restored "
                        + "followers' coordinates do not fit it, so they are rebuilt and the snapshot {} is dropped",
                        env.clusterName(), pod(0).name(), end, snapshot.leaderEnd(), snapshot.dir());
                env.snapshots().forget(snapshot);
                for (int ordinal = 1; ordinal < replicas; ordinal++) {
                    rebuild(ordinal, 0);
                }
                how += ", which did not fit its leader: followers rebuilt";
            }
            return how;
        } finally {
            copier.shutdownNow();
        }
    }

    /**
     * The followers of a restore, each with its volume being copied from the snapshot by {@code copier}, which then
     * makes their replication links.
     */
    private List<LocalPod> followersWithRestoredVolumes(ClusterSnapshots.Snapshot snapshot, int replicas,
                                                        Executor copier) {
        List<LocalPod> followers = new ArrayList<>();
        for (int ordinal = 1; ordinal < replicas; ordinal++) {
            LocalPod pod = newPod(ordinal);
            PodDirectory dir = pod.directory();
            Path from = snapshot.data(pod.name());
            pod.data().restoreFrom(CompletableFuture.runAsync(() -> {
                try {
                    Files.createDirectories(dir.root());
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                env.volumes().provision(from, dir.data(), dir.consoleLog());
            }, copier), snapshot.origin(ordinal));
            followers.add(pod);
        }
        copier.execute(() -> {
            for (int follower = 1; follower < replicas; follower++) {
                network.linkPort(follower, 0);
            }
        });
        return followers;
    }

    /** The value of a step that ran in the background, or what it threw. */
    private static <T> T join(CompletableFuture<T> step) {
        try {
            return step.join();
        } catch (java.util.concurrent.CompletionException e) {
            throw e.getCause() instanceof RuntimeException runtime ? runtime : e;
        }
    }

    /** podManagementPolicy: Parallel: every pod is created at once; a follower's clone waits for its source. */
    private void startParallel(int replicas) {
        List<LocalPod> created = new ArrayList<>();
        for (int ordinal = pods.size(); ordinal < replicas; ordinal++) {
            created.add(newPod(ordinal));
        }
        synchronized (this) {
            pods.addAll(created);
        }
        runAll(created);
    }

    private void runAll(List<LocalPod> created) {
        List<CompletableFuture<Void>> starts = new ArrayList<>();
        for (LocalPod pod : created) {
            int ordinal = pod.ordinal();
            LocalPod previous = ordinal == 0 ? null : pod(ordinal - 1);
            PodEndpoint source = ordinal == 0 ? null : replicationAddress(ordinal, 0);
            starts.add(CompletableFuture.runAsync(() -> pod.start(previous, source, new PodPhases()), env.threads())
                    .whenComplete((done, failure) -> {
                        if (failure != null) {
                            pod.data().failServing(failure);
                        }
                    }));
        }
        join(CompletableFuture.allOf(starts.toArray(CompletableFuture[]::new)));
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
        LocalPod next = null;
        while (pods.size() < replicas) {
            int ordinal = pods.size();
            PodPhases phases = new PodPhases();
            phases.time(PodPhases.PROBE, () -> requireAllReady(replicas, ordinal));
            LocalPod pod = next != null ? next : newPod(ordinal);
            next = null;
            pods.add(pod);
            if (ordinal + 1 < replicas) {
                // the next pod's volume can be filled while this one starts: that copy depends on no pod's readiness
                next = newPod(ordinal + 1);
                next.data().prefetchTemplate(env.threads());
            }
            // as the manifests' sidecar does, every follower replicates from the leader (ordinal 0 unless promoted)
            pod.start(ordinal == 0 ? null : pods.get(ordinal - 1),
                    ordinal == 0 ? null : replicationAddress(ordinal, leaderOrdinal()), phases);
        }
    }

    /** A pod of this cluster, which records its start for the snapshot being taken, if any. */
    private LocalPod newPod(int ordinal) {
        LocalPod pod = new LocalPod(env, ordinal, network.clientPort(ordinal));
        if (capture != null) {
            pod.data().recordFor(capture);
        }
        return pod;
    }

    /** The StatefulSet controller creates no pod while another is not Ready. */
    private void requireAllReady(int replicas, int next) {
        for (LocalPod existing : pods) {
            if (!existing.isReady()) {
                throw new IllegalStateException("scale to " + replicas + " halted before " + env.spec().podName(next)
                        + ": " + existing.name() + " is not Ready (its " + env.probe() + " fails), and the "
                        + "StatefulSet controller creates no pod while another is not Ready");
            }
        }
    }

    PodEnvironment env() {
        return env;
    }

    /** How each pod's last start went, by ordinal (for the startup benchmark). */
    synchronized List<PodPhases> startPhases() {
        return pods.stream().map(LocalPod::lastStart).toList();
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
        return new PodEndpoint(source, target.name(), "127.0.0.1", network.linkPort(follower, source), target.adminUser(),
                target.adminPassword(), target.userPassword());
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

    /** The writer endpoint: a proxy port of its own whose each new connection goes to the pod in the leader's role. */
    @Override
    public PodEndpoint writerEndpoint() {
        PodEndpoint leader = endpoint(leaderOrdinal());
        return new PodEndpoint(-1, env.spec().statefulSetName() + " writer endpoint", "127.0.0.1", network.writerPort(),
                leader.adminUser(), leader.adminPassword(), leader.userPassword());
    }

    /** The read Service: a proxy port of its own whose each new connection goes to the next Ready pod. */
    @Override
    public PodEndpoint readServiceEndpoint() {
        PodEndpoint any = endpoint(0);
        String service = env.spec().readServiceName();
        return new PodEndpoint(-1, service == null ? env.spec().statefulSetName() + " read endpoint" : service,
                "127.0.0.1", network.readerPort(), any.adminUser(), any.adminPassword(),
                any.userPassword());
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
        try {
            // on the cluster's own threads, never on a pool a test may keep busy; each stop is bounded (SIGKILL after
            // its grace period)
            CompletableFuture.allOf(all.stream().map(pod -> CompletableFuture.runAsync(pod::stop, env.threads()))
                    .toArray(CompletableFuture[]::new)).join();
            network.close();
            if (unstored != null) {
                LOG.info("cluster {}: {}", name(), unstored.store());
            }
        } finally {
            env.threads().close();
        }
        if (keepForDebugging) {
            LOG.warn("cluster {} stopped; its data directories and logs are kept for debugging in {}", name(),
                    env.stores().keep(env.clusterDir()));
        } else {
            // the next cluster of this shape moves these into place instead of copying them on its start path
            env.volumes().refill(env.clusterDir(), env.clusterDir().resolve("spares.log"));
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
}
