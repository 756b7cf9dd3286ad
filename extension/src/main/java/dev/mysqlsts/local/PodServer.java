package dev.mysqlsts.local;

import dev.mysqlsts.backend.PodEndpoint;
import dev.mysqlsts.replication.Sql;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.LoggerFactory;

/**
 * The pod's mysql container: its server process on the pod's {@link PodPort}, with the harness's options and the
 * cluster's admin secret, started until its probe passes, stopped and signalled. A process that exits after it
 * served goes to {@code onExit} after {@link #RESTART_DELAY}, where the crash supervisor restarts it.
 */
final class PodServer {

    private static final int MAX_BIND_ATTEMPTS = 3;
    /** The kubelet restarts a crashed container after a back-off; this one is short, but long enough to be seen. */
    static final Duration RESTART_DELAY = Duration.ofSeconds(1);

    private final PodEnvironment env;
    private final int ordinal;
    private final String name;
    private final PodDirectory dir;
    private final PodPort port;
    private final PodReadiness readiness;
    private final Consumer<ServerProcess> onExit;
    /** Guards {@link #process} and {@link #stopping} together: no server starts once a stop has begun. */
    private final Object processLock = new Object();
    private volatile ServerProcess process;
    private volatile boolean stopping;
    /** The last server that passed its probe with the cluster's secret; proxies reach the pod only while it lives. */
    private volatile ServerProcess serving;

    PodServer(PodEnvironment env, int ordinal, PodDirectory dir, PodReadiness readiness, Consumer<ServerProcess> onExit) {
        this.env = env;
        this.ordinal = ordinal;
        this.name = env.spec().podName(ordinal);
        this.dir = dir;
        this.port = new PodPort(name);
        this.readiness = readiness;
        this.onExit = onExit;
    }

    /** The server's own port, as processes inside the pod would reach it (probes, clones). */
    PodEndpoint endpoint() {
        return env.endpoint(ordinal, port.get());
    }

    /**
     * The server's address for the proxies: only while the server that passed its probe (with the cluster's
     * secret) runs; otherwise whatever listens on the old port is not this pod, and the proxy refuses the connection.
     */
    InetSocketAddress address() {
        ServerProcess current = serving;
        if (current == null || !current.isAlive()) {
            throw new IllegalStateException(name + " has no running server" + (current == null ? " yet"
                    : " (pid " + current.pid() + " ended)") + "; not forwarding to port " + port.get());
        }
        return new InetSocketAddress("127.0.0.1", port.get());
    }

    /** The last server that passed its probe, or null before one did. */
    ServerProcess serving() {
        return serving;
    }

    /** A start begins: a stop no longer keeps the server from starting. */
    void allowStart() {
        stopping = false;
    }

    boolean stopping() {
        return stopping;
    }

    /** Whether {@code ended} is the current server process (not one a later start replaced). */
    boolean isCurrent(ServerProcess ended) {
        return ended == process;
    }

    /** Whether no server was ever started for this pod. */
    boolean neverStarted() {
        return process == null;
    }

    PodPort port() {
        return port;
    }

    /**
     * Starts the server process. A port that another process took meanwhile (found before the start, or as a
     * failed bind, or as a server that refuses the cluster's secret) is given up for a new one.
     */
    void launch() {
        PowerCutJournals.settle(dir).ifPresent(takenBack -> LoggerFactory.getLogger(PodServer.class).info(
                "{}: power cut: took back what its server had not fsynced: {}", name, takenBack));
        for (int attempt = 1; ; attempt++) {
            port.moveIfTaken();
            ServerConfig.write(dir, env.binaries(), name, port.get(), env.serverOptions());
            ServerProcess started;
            synchronized (processLock) {
                if (stopping) {
                    throw new LocalBackendException("pod " + name + " is being stopped; its server is not started again");
                }
                started = ServerProcess.start(env.binaries(), dir, env.clusterName() + "-" + name, List.of(),
                        ServerPreload.fromSystem());
                process = started;
            }
            try {
                readiness.awaitStarted(started, endpoint().adminJdbcUrl(), port.get(), env.startupTimeout());
                serving = started;
                started.exited().thenRun(() -> env.threads().after(RESTART_DELAY, () -> onExit.accept(started)));
                return;
            } catch (RuntimeException e) {
                started.kill(); // whatever failed, the server this attempt started must not outlive it
                if (!(e instanceof LocalBackendException)) {
                    throw e;
                }
                boolean foreign = e instanceof PodReadiness.ForeignServer;
                boolean portLost = foreign || Commands.tail(dir.errorLog(), 10).contains("Address already in use");
                if (stopping || attempt >= MAX_BIND_ATTEMPTS || !portLost) {
                    throw e;
                }
                port.moveAfterLostBind(foreign ? "a server there refuses this cluster's secret" : "Address already in use");
            }
        }
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

    /** Stops the server gracefully (SIGTERM) and does not restart it. */
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
            if (ServerPreload.loaded(current.pid(), ServerPreload.FIU_RUN)) {
                shutdownStatement();
            }
            current.stop(Duration.ofSeconds(60));
        }
        killStragglers();
    }

    /**
     * Kills what a server of this pod that ended left running on the pod's config: a crashing mariadbd forks itself
     * in its fatal-signal handler to run addr2line (mysys/my_addr_resolve.c), and with the preloaded libraries that
     * fork can hang before its exec, outliving its server and holding the pod's port (a 10-minute soak left one behind
     * each InnoDB abort on an I/O error). The current server, if it runs, is spared.
     */
    void killStragglers() {
        ServerProcess current = process;
        for (ProcessHandle straggler : ProcessReaper.serversUnder(dir.myCnf().toAbsolutePath().getParent())) {
            if (current != null && current.isAlive() && straggler.pid() == current.pid()) {
                continue;
            }
            LoggerFactory.getLogger(PodServer.class).warn("{}: a process its ended server left behind (pid {}, a fork "
                    + "of its crash handler?) is killed", name, straggler.pid());
            straggler.destroyForcibly();
        }
    }

    /**
     * {@code SHUTDOWN}, which takes mariadbd's own shutdown path as SIGTERM does: libfiu's control thread
     * ({@code fiu_run_preload.so}, started before mariadbd blocks its signals) blocks none, so a SIGTERM can land there
     * and be lost (measured with libfaketime preloaded too: a graceful stop never ended; /proc/PID/task/N/status shows
     * that thread's SigBlk 0). The SIGTERM that follows is then harmless.
     */
    private void shutdownStatement() {
        try {
            Sql.execute(endpoint().adminJdbcUrl(), Duration.ofSeconds(10), "SHUTDOWN");
        } catch (RuntimeException e) {
            // the server closes the connection as it goes, or cannot be reached: SIGTERM follows either way
        }
    }

    /** The server process's pid while it runs. */
    long pid() {
        ServerProcess current = process;
        return current == null ? -1 : current.pid();
    }
}
