package dev.mysqlsts.local;

import dev.mysqlsts.backend.PodEndpoint;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One pod of a LOCAL cluster, started the way the StatefulSet's pod starts: the init container writes conf.d
 * ({@link ConfigInitRunner}), the clone init container fills the volume ({@link PodData}), the mysql container runs
 * the server until its probe passes ({@link PodServer}, {@link PodReadiness}), the sidecar sets up replication
 * ({@link PodSidecar}); a server that dies is restarted on the same data, as the kubelet would
 * ({@link CrashSupervisor}).
 */
final class LocalPod {

    private static final Logger LOG = LoggerFactory.getLogger(LocalPod.class);

    private final PodEnvironment env;
    private final int ordinal;
    private final String name;
    private final PodDirectory dir;
    private final int clientPort;
    private final PodReadiness readiness;
    private final PodServer server;
    private final CrashSupervisor supervisor;
    private final PodData data;
    private final PodSidecar sidecar;
    private boolean leaderRole;
    private volatile PodPhases lastStart;

    /**
     * @param clientPort the port of the proxy through which the test JVM reaches this pod
     */
    LocalPod(PodEnvironment env, int ordinal, int clientPort) {
        this.env = env;
        this.ordinal = ordinal;
        this.name = env.spec().podName(ordinal);
        this.dir = new PodDirectory(env.clusterDir().resolve(name));
        this.clientPort = clientPort;
        this.readiness = new PodReadiness(env, name, dir);
        this.server = new PodServer(env, ordinal, dir, readiness, this::onExit);
        this.supervisor = new CrashSupervisor(name, dir, server,
                () -> PodEndpoint.withoutPassword(endpoint().jdbcUrl()));
        this.data = new PodData(env, name, dir);
        this.sidecar = new PodSidecar(env, name, dir);
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
        return env.endpoint(ordinal, clientPort);
    }

    /** The server's own port, as processes inside the pod would reach it (probes, clones). */
    PodEndpoint serverEndpoint() {
        return server.endpoint();
    }

    /** The server's address for the proxies, only while the server that passed its probe runs. */
    InetSocketAddress serverAddress() {
        return server.address();
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
        server.allowStart();
        writeInitConfig();
        PodData.Start volume = data.beforeServer(previous, phases);
        if (lastStart == null && server.neverStarted()) {
            server.port().chooseAgain(); // the proxies bound ports since the pod was made
        }
        phases.time(PodPhases.SERVER_START, server::launch);
        String origin = data.afterServer(volume, previous, serverEndpoint(), phases);
        String replication = sidecar.start(source, this::serverEndpoint, volume.restored(), phases);
        phases.total((System.nanoTime() - started) / 1_000_000);
        phases.residentKib(ResidentMemory.kib(pid()));
        phases.origin(origin);
        if (lastStart == null) {
            lastStart = phases;
        }
        data.ready(ordinal, serverEndpoint());
        LOG.info("{} Ready in {} ms ({}{}; {}): {}", name, phases.total(), origin, replication, phases,
                PodEndpoint.withoutPassword(endpoint().jdbcUrl()));
    }

    /** The pod's volume and clone init container: restores, prefetches, snapshot captures, the next pod's clone. */
    PodData data() {
        return data;
    }

    /** The pod's sidecar container, whose replication step a restored start leaves running. */
    PodSidecar sidecar() {
        return sidecar;
    }

    /** The phases of this pod's last start through {@link #start}, or null before it started. */
    PodPhases lastStart() {
        return lastStart;
    }

    /** Runs the readiness probe once (inside the pod: on the server's own port). */
    boolean isReady() {
        return readiness.isReady(server.serving(), () -> serverEndpoint().adminJdbcUrl());
    }

    /** Makes the readiness probe fail while the server keeps running, or lets it run again. */
    void breakReadiness(boolean broken) {
        readiness.breakReadiness(broken);
    }

    /** Sends a signal (KILL, STOP, CONT) to the server process; after KILL the supervisor restarts it. */
    void signal(String signal) {
        server.signal(signal);
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
        PowerCutJournals.discard(dir); // they name inodes of the old volume, which the new one may reuse
        leaderRole = false;
        start(previous, source);
    }

    /**
     * Waits until the readiness probe passes, through crash restarts; fails with the probe and the error log's
     * tail, at once when the supervisor gave up restarting the pod.
     */
    void awaitReady(Duration timeout) {
        readiness.awaitReady(timeout, this::isReady, supervisor::crashLooping);
    }

    /** Stops the pod gracefully (SIGTERM) and does not restart it. */
    void stop() {
        server.stop();
    }

    /** The server process's pid while it runs. */
    long pid() {
        return server.pid();
    }

    PodDirectory directory() {
        return dir;
    }

    /** The crash supervisor runs under the pod's lock: no start, rebuild or role change interleaves with it. */
    private synchronized void onExit(ServerProcess ended) {
        supervisor.exited(ended);
    }
}
