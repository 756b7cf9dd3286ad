package dev.mysqlsts.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One run of a server program on a pod's files; its pid file (written by the process itself before the server
 * runs) is in the reaper's directory while it lives.
 */
final class ServerProcess {

    private final Process process;
    private final String id;

    private ServerProcess(Process process, String id) {
        this.process = process;
        this.id = id;
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
            exec "$@"
            """.formatted(ProcessReaper.REAPED);

    static ServerProcess start(ServerBinaries binaries, PodDirectory pod, String id, List<String> extraOptions) {
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
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(pod.consoleLog().toFile()))
                    .start();
            process.getOutputStream().close();
            long pid = process.pid();
            process.onExit().thenRun(() -> reaper.unregister(id, pid));
            return new ServerProcess(process, id);
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

    CompletableFuture<Process> onExit() {
        return process.onExit();
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

    private boolean awaitExit(Duration timeout) {
        try {
            process.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException e) {
            return !process.isAlive();
        }
    }

    @Override
    public String toString() {
        return id + " (pid " + process.pid() + ")";
    }
}
