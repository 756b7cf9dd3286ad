package dev.mysqlsts.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes sure no server outlives this JVM, however the JVM ends (even by SIGKILL, when no shutdown hook runs).
 * A small shell process watches its standard input, a pipe whose only writer is this JVM: the pipe closes
 * when the JVM dies, and the shell then kills every process whose pid file is still in the run directory and
 * removes the directory. This is the one job Java cannot do from inside the JVM that dies.
 */
final class ProcessReaper {

    private static final Logger LOG = LoggerFactory.getLogger(ProcessReaper.class);
    private static final String SCRIPT = """
            while read -r _; do :; done
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

    /** Remembers a server process so that it is killed if this JVM dies first. */
    void register(String id, long pid) {
        try {
            Files.writeString(runDirectory.resolve("pids").resolve(id + ".pid"), Long.toString(pid), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException("could not record pid " + pid, e);
        }
    }

    /** Forgets a process that has ended. */
    void unregister(String id) {
        try {
            Files.deleteIfExists(runDirectory.resolve("pids").resolve(id + ".pid"));
        } catch (IOException e) {
            LOG.debug("could not remove pid file of {}", id, e);
        }
    }
}
