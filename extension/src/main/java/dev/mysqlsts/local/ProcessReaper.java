package dev.mysqlsts.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes sure no server outlives this JVM, however the JVM ends (even by SIGKILL, when no shutdown hook runs).
 * A small shell process watches its standard input, a pipe whose only writer is this JVM: the pipe closes
 * when the JVM dies, and the shell then kills every process whose pid file is still in the run directory and
 * removes the directory. This is the one job Java cannot do from inside the JVM that dies.
 *
 * <p>A pid file is named after the process ({@code <id>-<pid>.pid}) and written by the process itself before it
 * becomes the server (see {@link ServerProcess}), so the clean-up of an ended process removes only its own file,
 * never its successor's, and a JVM killed while it starts a server cannot leave an unrecorded one behind: the
 * reaper first marks the run directory {@value #REAPED}, the starting process checks that mark after writing its
 * pid file, and either the reaper sees the file or the process sees the mark and does not start.
 */
final class ProcessReaper {

    private static final Logger LOG = LoggerFactory.getLogger(ProcessReaper.class);
    /** The mark the reaper leaves once the JVM is gone: no server may start after it. */
    static final String REAPED = "reaped";
    private static final String SCRIPT = """
            while read -r _; do :; done
            : > "$1/reaped"
            for f in "$1"/pids/*.pid; do [ -f "$f" ] && kill -9 "$(cat "$f")" 2>/dev/null; done
            rm -rf "$1"
            """;
    private static ProcessReaper instance;

    private final Path runDirectory;
    private final Process watcher;

    private ProcessReaper(Path runDirectory, Process watcher) {
        this.runDirectory = runDirectory;
        this.watcher = watcher;
    }

    /** The reaper of this JVM, started on first use together with the JVM's run directory. */
    static synchronized ProcessReaper get() {
        if (instance == null) {
            try {
                Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
                Path run = Files.createTempDirectory(tmp, "mysqlsts-" + ProcessHandle.current().pid() + "-");
                Files.createDirectories(run.resolve("pids"));
                Process watcher = new ProcessBuilder("sh", "-c", SCRIPT, "mysqlsts-reaper", run.toString())
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .redirectError(ProcessBuilder.Redirect.DISCARD)
                        .start();
                instance = new ProcessReaper(run, watcher);
                LOG.debug("run directory {}, reaper pid {}", run, watcher.pid());
            } catch (IOException e) {
                throw new UncheckedIOException("could not start the process reaper", e);
            }
        }
        return instance;
    }

    /** This JVM's directory for clusters and pid files. */
    Path runDirectory() {
        return runDirectory;
    }

    /** The directory where each server process writes its own pid file before it execs the server. */
    Path pidDirectory() {
        return runDirectory.resolve("pids");
    }

    /** The pid file of one process: keyed by the process, not by the pod, so that a successor's is never touched. */
    Path pidFile(String id, long pid) {
        return pidDirectory().resolve(id + "-" + pid + ".pid");
    }

    /**
     * Remembers a process started some other way than {@link ServerProcess} (which has the process write its own
     * file before it runs); call {@link #unregister(String, long)} when it ends.
     */
    void register(String id, long pid) {
        try {
            Files.writeString(pidFile(id, pid), Long.toString(pid));
        } catch (IOException e) {
            throw new UncheckedIOException("could not record pid " + pid, e);
        }
    }

    /** Forgets a process that has ended: removes its own pid file. */
    void unregister(String id, long pid) {
        try {
            Files.deleteIfExists(pidFile(id, pid));
        } catch (IOException e) {
            LOG.debug("could not remove the pid file of {} (pid {})", id, pid, e);
        }
    }
}
