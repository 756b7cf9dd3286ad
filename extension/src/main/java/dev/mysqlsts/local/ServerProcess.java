package dev.mysqlsts.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One run of a server program on a pod's files; its pid file (written by the process itself before the server
 * runs) is in the reaper's directory while it lives.
 */
final class ServerProcess {

    private final Process process;
    private final String id;

    private final CompletableFuture<Void> exited = new CompletableFuture<>();

    private ServerProcess(Process process, String id) {
        this.process = process;
        this.id = id;
    }

    /**
     * A thread of our own waits for the process's end, not {@code Process.onExit()}, which completes on the common
     * pool that a test may keep busy (see {@link ClusterThreads}); the thread lives as long as the process.
     */
    private void watchExit(ProcessReaper reaper, Runnable cleanUp) {
        long pid = process.pid();
        Thread watcher = new Thread(() -> {
            while (true) {
                try {
                    process.waitFor();
                    break;
                } catch (InterruptedException e) {
                    // only the end of the process ends this watch
                }
            }
            reaper.unregister(id, pid);
            try {
                cleanUp.run();
            } finally {
                exited.complete(null);
            }
        }, "mysqlsts-exit-" + id + "-" + pid);
        watcher.setDaemon(true);
        watcher.start();
    }

    static boolean runningAsRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    /**
     * The shell that becomes the server: it records its own pid (the server's, after exec) in the reaper's pid
     * directory, then checks that the reaper has not run meanwhile, then execs the server. See {@link ProcessReaper}.
     */
    private static final String EXEC_WRAPPER = """
            run=$1; id=$2; shift 2
            [ -e "$run/%1$s" ] && exit 97
            echo $$ > "$run/pids/$id-$$.pid" || exit 97
            [ -e "$run/%1$s" ] && exit 97
            [ -n "$%2$s" ] && export LD_PRELOAD="$%2$s"
            unset %2$s
            exec "$@"
            """.formatted(ProcessReaper.REAPED, ServerPreload.PRELOAD_VARIABLE);

    static ServerProcess start(ServerBinaries binaries, PodDirectory pod, String id, List<String> extraOptions) {
        return start(binaries, pod, id, extraOptions, null);
    }

    /**
     * Starts a server; with {@code preload}, the libraries it names are preloaded into the server (not into the
     * wrapper shell), and what they leave behind is removed once the server has ended.
     */
    static ServerProcess start(ServerBinaries binaries, PodDirectory pod, String id, List<String> extraOptions,
                               ServerPreload preload) {
        ProcessReaper reaper = ProcessReaper.get();
        List<String> command = new ArrayList<>(List.of("sh", "-c", EXEC_WRAPPER, "mysqlsts-server",
                reaper.runDirectory().toString(), id));
        command.add(binaries.server().toString());
        command.add("--defaults-file=" + pod.myCnf());
        if (runningAsRoot()) {
            command.add("--user=root");
        }
        command.addAll(extraOptions);
        try {
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(pod.consoleLog().toFile()));
            if (preload != null) {
                builder.environment().putAll(preload.environment(pod));
            }
            Process process = builder.start();
            process.getOutputStream().close();
            ServerProcess server = new ServerProcess(process, id);
            server.watchExit(reaper, preload == null ? () -> { } : () -> ServerPreload.cleanUp(pod, process.pid()));
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + binaries.server(), e);
        }
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Completes (on the process's own watcher thread) once the process has ended and its pid file is removed. */
    CompletableFuture<Void> exited() {
        return exited;
    }

    /** The exit code, or -1 while it runs. */
    int exitCode() {
        return process.isAlive() ? -1 : process.exitValue();
    }

    /** SIGTERM, as a pod deletion does, then SIGKILL after the grace period. */
    void stop(Duration grace) {
        process.destroy();
        if (!awaitExit(grace)) {
            kill();
        }
    }

    /** SIGKILL, and wait until the process is gone. */
    void kill() {
        process.destroyForcibly();
        awaitExit(Duration.ofSeconds(30));
    }

    /** Whether the process ended within {@code timeout}. */
    boolean awaitExit(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public String toString() {
        return id + " (pid " + process.pid() + ")";
    }
}
