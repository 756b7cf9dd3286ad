package dev.mysqlsts.local;

import dev.mysqlsts.backend.PodEndpoint;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.TerminalFailureException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One pod of a LOCAL cluster: a server process on the pod's own data directory and port, started the way
 * the StatefulSet's pod starts (init container, clone init container, mysql container, sidecar), and
 * restarted on the same data when its process dies, as the kubelet would.
 */
final class LocalPod {

    private static final Logger LOG = LoggerFactory.getLogger(LocalPod.class);
    private static final int MAX_BIND_ATTEMPTS = 3;
    private static final int MAX_CRASH_RESTARTS = 5;
    /** The kubelet restarts a crashed container after a back-off; this one is short, but long enough to be seen. */
    static final Duration RESTART_DELAY = Duration.ofSeconds(1);

    private final PodEnvironment env;
    private final int ordinal;
    private final String name;
    private final PodDirectory dir;
    private final int clientPort;
    private volatile int port;
    private volatile ServerProcess process;
    private volatile boolean stopping;
    private volatile boolean readinessBroken;
    private volatile boolean crashLooping;
    private boolean leaderRole;
    private int restarts;
    /** Guards {@link #process} and {@link #stopping} together: no server starts once a stop has begun. */
    private final Object processLock = new Object();
    /** The last server that passed its probe with the cluster's secret; proxies reach the pod only while it lives. */
    private volatile ServerProcess serving;
    private volatile PodPhases lastStart;
    private final java.util.concurrent.CompletableFuture<Void> servesClones = new java.util.concurrent.CompletableFuture<>();
    private volatile String dataOrigin = "data kept from an earlier start";
    private java.util.concurrent.CompletableFuture<Void> restoring;
    private java.util.concurrent.CompletableFuture<Void> prefetched;
    private volatile java.util.concurrent.CompletableFuture<Optional<String>> sidecar;
    private ClusterSnapshots.Capture capture;

    /**
     * @param clientPort the port of the proxy through which the test JVM reaches this pod
     */
    LocalPod(PodEnvironment env, int ordinal, int clientPort) {
        this.env = env;
        this.ordinal = ordinal;
        this.name = env.spec().podName(ordinal);
        this.dir = new PodDirectory(env.clusterDir().resolve(name));
        this.clientPort = clientPort;
        this.port = Ports.free();
        this.leaderRole = ordinal == 0;
    }

    int ordinal() {
        return ordinal;
    }

    String name() {
        return name;
    }

    /** The pod's address for the test JVM: a proxy that follows the server across restarts. */
    PodEndpoint endpoint() {
        return new PodEndpoint(ordinal, name, "127.0.0.1", clientPort, DataDirTemplate.ADMIN_USER,
                env.secret().password(), env.secret().rootPassword());
    }

    /** The server's own port, as processes inside the pod would reach it (probes, clones). */
    PodEndpoint serverEndpoint() {
        return new PodEndpoint(ordinal, name, "127.0.0.1", port, DataDirTemplate.ADMIN_USER,
                env.secret().password(), env.secret().rootPassword());
    }

    /**
     * The server's address for the proxies: only while the server that passed its probe (with the cluster's
     * secret) runs; otherwise whatever listens on the old port is not this pod, and the proxy refuses the connection.
     */
    InetSocketAddress serverAddress() {
        ServerProcess current = serving;
        if (current == null || !current.isAlive()) {
            throw new IllegalStateException(name + " has no running server" + (current == null ? " yet"
                    : " (pid " + current.pid() + " ended)") + "; not forwarding to port " + port);
        }
        return new InetSocketAddress("127.0.0.1", port);
    }

    /**
     * Starts the pod and returns when it is Ready.
     *
     * @param previous the pod with the previous ordinal (the clone source), null for ordinal 0
     * @param source   how this pod reaches ordinal 0 for replication, null for ordinal 0 itself
     */
    synchronized void start(LocalPod previous, PodEndpoint source) {
        start(previous, source, new PodPhases());
    }

    /**
     * Starts the pod and returns when it is Ready, recording how long each step took in {@code phases}.
     *
     * @param previous the pod with the previous ordinal (the clone source), null for ordinal 0
     * @param source   how this pod reaches ordinal 0 for replication, null for ordinal 0 itself
     */
    synchronized void start(LocalPod previous, PodEndpoint source, PodPhases phases) {
        long started = System.nanoTime();
        phases.began();
        stopping = false;
        writeInitConfig();
        String clone = "data kept from an earlier start";
        boolean logicalLoadPending = false;
        boolean restoredStart = restoring != null;
        if (restoring != null) {
            phases.time(PodPhases.COPY, restoring::join);
            restoring = null;
            clone = "restored from a snapshot of a cloned start: " + dataOrigin;
        } else if (prefetched != null || !dir.hasData()) { // a prefetched template is no data of an earlier start
            if (previous == null) {
                phases.time(PodPhases.COPY, () -> env.volumes().provision(env.template(), dir.data(), dir.consoleLog()));
                clone = "new data directory";
            } else if (env.physicalClone()) {
                phases.time(PodPhases.CLONE, () -> {
                    awaitCloneSource(previous);
                    PhysicalClone.run(env.binaries(), previous.serverEndpoint(), dir);
                });
                if (capture != null) {
                    phases.time(PodPhases.COPY, () -> capture.keepClone(this));
                }
                clone = "cloned from " + previous.name() + " with mariabackup";
            } else {
                java.util.concurrent.CompletableFuture<Void> copied = prefetched;
                prefetched = null;
                phases.time(PodPhases.COPY, () -> {
                    if (copied != null) {
                        copied.join();
                    } else {
                        env.volumes().provision(env.template(), dir.data(), dir.consoleLog());
                    }
                });
                logicalLoadPending = true;
                clone = "cloned from " + previous.name() + " with mariadb-dump";
            }
            dataOrigin = clone;
        }
        if (lastStart == null && process == null) {
            // the port was chosen when the pod was made, which may be a while before this first start (a restore or a
            // prefetch makes pods early) and the harness's proxies bind ports meanwhile: choose it again right now
            port = Ports.free();
        }
        phases.time(PodPhases.SERVER_START, this::launch);
        if (logicalLoadPending) {
            boolean gtid = SidecarStatement.gtidMode(env.spec().changeMasterOptions()).isPresent();
            boolean dumped = phases.measure(PodPhases.CLONE, () -> {
                awaitCloneSource(previous);
                if (LogicalClone.coordinatesOnly(previous.serverEndpoint(), previous.isLeaderRole(), dir, gtid)) {
                    return false;
                }
                LogicalClone.run(env.binaries(), previous.serverEndpoint(), previous.isLeaderRole(), serverEndpoint(),
                        dir, gtid);
                return true;
            });
            if (!dumped) {
                clone = "cloned from " + previous.name() + " (no user databases yet: only its binlog coordinates, "
                        + "read as mariadb-dump reads them)";
                dataOrigin = clone;
                if (capture != null) {
                    capture.keepLeanClone(this);
                }
            }
        }
        String replication = "";
        if (source != null && restoredStart) {
            // The pod is Ready when its mysql container's probe passes; the sidecar container has no readiness
            // probe, so in Kubernetes the next pod may start while this one's sidecar still sets up replication.
            // A restored pod's successor clones nothing from it, so its sidecar runs beside the next start.
            sidecar = java.util.concurrent.CompletableFuture.supplyAsync(() -> phases.measure(PodPhases.SIDECAR,
                    () -> ReplicationSidecar.run(name, dir.data(), serverEndpoint().adminJdbcUrl(), source,
                            env.spec().changeMasterOptions())), env.threads());
            replication = ", its sidecar starts replication from " + source.name() + " meanwhile";
        } else if (source != null) {
            Optional<String> from = phases.measure(PodPhases.SIDECAR, () -> ReplicationSidecar.run(name, dir.data(),
                    serverEndpoint().adminJdbcUrl(), source, env.spec().changeMasterOptions()));
            replication = from.map(coordinates -> ", replicating from " + source.name() + " at " + coordinates)
                    .orElse("");
        }
        phases.total((System.nanoTime() - started) / 1_000_000);
        phases.residentKib(ResidentMemory.kib(pid()));
        phases.origin(clone);
        if (lastStart == null) {
            lastStart = phases;
        }
        if (capture != null && ordinal == 0) {
            capture.leaderReady(this);
        }
        capture = null;
        servesClones.complete(null);
        LOG.info("{} Ready in {} ms ({}{}; {}): {}", name, phases.total(), clone, replication, phases,
                PodEndpoint.withoutPassword(endpoint().jdbcUrl()));
    }

    /**
     * With {@code podManagementPolicy: Parallel} the pod was created without waiting for the previous one; its clone
     * init container, which streams from the previous pod, fails and is retried until that pod serves, as in
     * Kubernetes.
     */
    private void awaitCloneSource(LocalPod previous) {
        if (!env.spec().parallel()) {
            return;
        }
        try {
            // the source serves backups once its sidecar has set up replication, as the seed's sidecar does
            previous.servesClones.get(env.startupTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new LocalBackendException("pod " + name + ": its clone source " + previous.name() + " failed to start: "
                    + e.getCause().getMessage(), e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new LocalBackendException("pod " + name + ": its clone source " + previous.name() + " did not serve "
                    + "within " + env.startupTimeout().toSeconds() + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LocalBackendException("interrupted while " + name + " waited for " + previous.name(), e);
        }
    }

    /** Tells pods waiting to clone this one that its start failed. */
    void failServing(Throwable cause) {
        servesClones.completeExceptionally(cause);
    }

    /**
     * Makes the next {@link #start} use the data directory a snapshot restore is copying (by {@code copy}) instead of
     * cloning; {@code origin} says how the snapshot's pod got its data.
     */
    synchronized void restoreFrom(java.util.concurrent.CompletableFuture<Void> copy, String origin) {
        this.restoring = copy;
        this.dataOrigin = origin;
    }

    /** Makes this pod's first start record its clone (or, for ordinal 0, its binary log) for a snapshot. */
    synchronized void recordFor(ClusterSnapshots.Capture capture) {
        this.capture = capture;
    }

    /**
     * Copies the data directory template into this pod's empty volume in the background, before the pod starts:
     * a logical clone loads into a server started on the template, and the copy depends on no other pod.
     */
    synchronized void prefetchTemplate(java.util.concurrent.Executor executor) {
        if (env.physicalClone() || dir.hasData() || prefetched != null) {
            return;
        }
        prefetched = java.util.concurrent.CompletableFuture.runAsync(() -> {
            try {
                java.nio.file.Files.createDirectories(dir.root());
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            env.volumes().provision(env.template(), dir.data(), dir.consoleLog());
        }, executor);
    }

    /**
     * Waits for the sidecar of a restored start to have started replication.
     *
     * @return where replication started, empty when there was nothing to do
     */
    Optional<String> awaitSidecar(Duration timeout) {
        java.util.concurrent.CompletableFuture<Optional<String>> running = sidecar;
        if (running == null) {
            return Optional.empty();
        }
        try {
            return running.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new LocalBackendException("pod " + name + ": its replication sidecar failed: " + e.getCause().getMessage(),
                    e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new LocalBackendException("pod " + name + ": its replication sidecar did not finish within "
                    + timeout.toSeconds() + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LocalBackendException("interrupted while waiting for the sidecar of " + name, e);
        }
    }

    /** How this pod's data came to be ({@code cloned from mysql-0 with mariabackup}...), for snapshots and logs. */
    String dataOrigin() {
        return dataOrigin;
    }

    /** The phases of this pod's last start through {@link #start}, or null before it started. */
    PodPhases lastStart() {
        return lastStart;
    }

    /** Runs the readiness probe once (inside the pod: on the server's own port). */
    boolean isReady() {
        ServerProcess current = serving;
        return !readinessBroken && current != null && current.isAlive()
                && env.probe().passes(serverEndpoint().adminJdbcUrl());
    }

    /** Makes the readiness probe fail while the server keeps running, or lets it run again. */
    void breakReadiness(boolean broken) {
        readinessBroken = broken;
    }

    /** Sends a signal (KILL, STOP, CONT) to the server process; after KILL the supervisor restarts it. */
    void signal(String signal) {
        ServerProcess current = process;
        if (current != null && current.isAlive()) {
            try {
                // the shell's own kill: slim images have no kill binary, and Java cannot send STOP or CONT
                Commands.run(List.of("sh", "-c", "kill -s \"$0\" \"$1\"", signal, Long.toString(current.pid())),
                        dir.consoleLog(), Duration.ofSeconds(10));
            } catch (LocalBackendException e) {
                if (!current.awaitExit(Duration.ofSeconds(1))) {
                    throw e;
                } // it ended between the check and the signal (a crash the supervisor restarts): nothing to signal
            }
        }
    }

    /**
     * Stops the server gracefully and starts it again on its data, as a deleted pod is recreated, with the config
     * of its role.
     */
    synchronized void recreate() {
        stop();
        start(null, null);
    }

    /**
     * The role whose config the pod gets from its next start on, crash restarts included (the harness's promotion
     * model: a StatefulSet's init script would pick the config by ordinal again).
     */
    synchronized void assignRole(boolean leader) {
        leaderRole = leader;
        writeInitConfig();
    }

    /** What the init container writes into conf.d (it runs), with the config of the pod's role. */
    private void writeInitConfig() {
        env.init().fill(dir, ordinal, leaderRole);
    }

    synchronized boolean isLeaderRole() {
        return leaderRole;
    }

    /**
     * What a new PVC gives: the server stopped, its data directory thrown away (its logs are kept, appended to),
     * then started as a new pod: cloned from {@code previous}, replicating from {@code source}, as a follower.
     */
    synchronized void rebuild(LocalPod previous, PodEndpoint source) {
        stop();
        Directories.deleteRecursively(dir.data());
        leaderRole = false;
        start(previous, source);
    }

    /**
     * Waits until the readiness probe passes, through crash restarts; fails with the probe and the error log's
     * tail, at once when the supervisor gave up restarting the pod.
     */
    void awaitReady(Duration timeout) {
        try {
            Awaitility.await(name + " readiness").atMost(timeout)
                    .pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(ReadinessProbe.STARTUP_POLL_MS))
                    .failFast(name + " is in CrashLoopBackOff", () -> crashLooping)
                    .until(this::isReady);
        } catch (TerminalFailureException e) {
            throw notReady("the supervisor gave up restarting it after " + MAX_CRASH_RESTARTS + " failed starts", e);
        } catch (ConditionTimeoutException e) {
            throw notReady("it is not Ready after " + timeout.toSeconds() + " s"
                    + (readinessBroken ? " (its readiness was broken by faults.breakReadiness)" : ""), e);
        }
    }

    /** Waits until a just started server passes the readiness probe; fails at once if it exits first. */
    private void awaitStarted(ServerProcess started, Duration timeout) {
        try {
            Awaitility.await(name + " start").atMost(timeout)
                    .pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(ReadinessProbe.STARTUP_POLL_MS))
                    .failFast(name + " exited", () -> !started.isAlive())
                    .until(() -> switch (env.probe().check(serverEndpoint().adminJdbcUrl())) {
                        case READY -> true;
                        case NOT_READY -> false;
                        case FOREIGN_SERVER -> throw new ForeignServer(port);
                    });
        } catch (ForeignServer e) {
            throw new ForeignServer(notReady("port " + e.port + " answers but refuses the cluster's admin secret "
                    + "(error " + ReadinessProbe.ACCESS_DENIED + "): the server there is not this pod's (another "
                    + "cluster's server took the port?), or the ConfigMap overrides the harness's init-file option", e), e.port);
        } catch (TerminalFailureException e) {
            throw notReady("the server exited with code " + started.exitCode() + " before its probe passed", e);
        } catch (ConditionTimeoutException e) {
            throw notReady("it did not start within " + timeout.toSeconds() + " s", e);
        }
    }

    /** A server that is not this pod's answered on the pod's port. */
    private static final class ForeignServer extends LocalBackendException {
        private static final long serialVersionUID = 1L;
        private final int port;

        ForeignServer(int port) {
            super("a foreign server answers on port " + port);
            this.port = port;
        }

        ForeignServer(LocalBackendException described, int port) {
            super(described.getMessage(), described.getCause());
            this.port = port;
        }
    }

    private LocalBackendException notReady(String why, Exception cause) {
        return new LocalBackendException("pod " + name + ": " + why + ". Probe: " + env.probe() + ".\nLast lines of "
                + dir.errorLog() + ":\n" + Commands.tail(dir.errorLog(), 25), cause);
    }

    /** Stops the pod gracefully (SIGTERM) and does not restart it. */
    void stop() {
        ServerProcess current;
        synchronized (processLock) { // a crash restart that has not started its server yet will not start it
            stopping = true;
            current = process;
        }
        signal("CONT"); // a paused server would not act on SIGTERM
        if (current != null && current != serving) {
            // still starting (a crash restart): mariadbd may ignore SIGTERM until its start is done, and a server
            // that never served has nothing a crash recovery would not redo
            current.kill();
        } else if (current != null) {
            current.stop(Duration.ofSeconds(60));
        }
    }

    /** The server process's pid while it runs. */
    long pid() {
        return process == null ? -1 : process.pid();
    }

    PodDirectory directory() {
        return dir;
    }

    /**
     * Starts the server process. A port that another process took meanwhile (found before the start, or as a
     * failed bind, or as a server that refuses the cluster's secret) is given up for a new one, and the log says so.
     */
    private void launch() {
        for (int attempt = 1; ; attempt++) {
            if (!Ports.isFree(port)) {
                int taken = port;
                port = Ports.free();
                LOG.warn("{}: its port {} is taken by another process; the pod moves to port {}", name, taken, port);
            }
            List<String> options = new ArrayList<>(PodEnvironment.HARNESS_OPTIONS);
            options.add(env.secret().serverOption());
            ServerConfig.write(dir, env.binaries(), name, port, options);
            ServerProcess started;
            synchronized (processLock) {
                if (stopping) {
                    throw new LocalBackendException("pod " + name + " is being stopped; its server is not started again");
                }
                started = ServerProcess.start(env.binaries(), dir, env.clusterName() + "-" + name, List.of());
                process = started;
            }
            try {
                awaitStarted(started, env.startupTimeout());
                serving = started;
                started.exited().thenRun(() -> env.threads().after(RESTART_DELAY, () -> onExit(started)));
                return;
            } catch (LocalBackendException e) {
                started.kill();
                boolean portLost = e instanceof ForeignServer
                        || Commands.tail(dir.errorLog(), 10).contains("Address already in use");
                if (stopping || attempt >= MAX_BIND_ATTEMPTS || !portLost) {
                    throw e;
                }
                int lost = port;
                port = Ports.free();
                LOG.warn("{}: port {} was taken by another process as the server started ({}); the pod moves to port {}",
                        name, lost, e instanceof ForeignServer ? "a server there refuses this cluster's secret"
                                : "Address already in use", port);
            }
        }
    }

    /**
     * The supervisor: a process that ended without being stopped is started again on the same data, as the
     * kubelet restarts a crashed container; after {@value #MAX_CRASH_RESTARTS} failed starts in a row it gives up.
     */
    private synchronized void onExit(ServerProcess ended) {
        if (stopping || ended != process) {
            return;
        }
        restarts++;
        LOG.warn("{}: server (pid {}) exited with code {}; restarting it on the same data (restart {}). "
                + "Last lines of {}:\n{}", name, ended.pid(), ended.exitCode(), restarts, dir.errorLog(),
                Commands.tail(dir.errorLog(), 5));
        for (int attempt = 1; attempt <= MAX_CRASH_RESTARTS && !stopping; attempt++) {
            long started = System.nanoTime();
            try {
                launch();
                crashLooping = false;
                LOG.info("{} Ready again in {} ms after restart {}: {}", name,
                        (System.nanoTime() - started) / 1_000_000, restarts, PodEndpoint.withoutPassword(endpoint().jdbcUrl()));
                return;
            } catch (RuntimeException e) {
                if (stopping) {
                    break;
                }
                LOG.warn("{}: start {} after the crash failed: {}", name, attempt, e.getMessage());
            }
        }
        if (stopping) {
            LOG.info("{}: stopped during its crash restart; not restarted", name);
            return;
        }
        crashLooping = true;
        LOG.error("{}: could not be restarted {} times in a row; it stays down (CrashLoopBackOff)", name,
                MAX_CRASH_RESTARTS);
    }
}
