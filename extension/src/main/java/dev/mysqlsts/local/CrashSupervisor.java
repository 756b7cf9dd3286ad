package dev.mysqlsts.local;

import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kubelet's restart of a crashed container: a server that ended without being stopped is started again on the
 * same data; after {@value #MAX_CRASH_RESTARTS} failed starts in a row the pod stays down (CrashLoopBackOff).
 */
final class CrashSupervisor {

    private static final Logger LOG = LoggerFactory.getLogger(CrashSupervisor.class);
    static final int MAX_CRASH_RESTARTS = 5;

    private final String name;
    private final PodDirectory dir;
    private final PodServer server;
    private final Supplier<String> readyUrl;
    private int restarts;
    private volatile boolean crashLooping;

    /** @param readyUrl the pod's URL for the test JVM, for the log line of a restart */
    CrashSupervisor(String name, PodDirectory dir, PodServer server, Supplier<String> readyUrl) {
        this.name = name;
        this.dir = dir;
        this.server = server;
        this.readyUrl = readyUrl;
    }

    /** Whether the supervisor gave up restarting the pod. */
    boolean crashLooping() {
        return crashLooping;
    }

    /** The server process {@code ended}; restarted unless the pod is being stopped or a later start replaced it. */
    void exited(ServerProcess ended) {
        if (server.stopping() || !server.isCurrent(ended)) {
            return;
        }
        restarts++;
        LOG.warn("{}: server (pid {}) exited with code {}; restarting it on the same data (restart {}). "
                + "Last lines of {}:\n{}", name, ended.pid(), ended.exitCode(), restarts, dir.errorLog(),
                Commands.tail(dir.errorLog(), 5));
        server.killStragglers();
        for (int attempt = 1; attempt <= MAX_CRASH_RESTARTS && !server.stopping(); attempt++) {
            long started = System.nanoTime();
            try {
                server.launch();
                crashLooping = false;
                LOG.info("{} Ready again in {} ms after restart {}: {}", name,
                        (System.nanoTime() - started) / 1_000_000, restarts, readyUrl.get());
                return;
            } catch (RuntimeException e) {
                if (server.stopping()) {
                    break;
                }
                LOG.warn("{}: start {} after the crash failed: {}", name, attempt, e.getMessage());
            }
        }
        if (server.stopping()) {
            LOG.info("{}: stopped during its crash restart; not restarted", name);
            return;
        }
        crashLooping = true;
        LOG.error("{}: could not be restarted {} times in a row; it stays down (CrashLoopBackOff)", name,
                MAX_CRASH_RESTARTS);
    }
}
