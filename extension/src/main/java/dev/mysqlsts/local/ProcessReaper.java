package dev.mysqlsts.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import java.util.stream.Stream;
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
 *
 * <p>Should the watcher die with the JVM (a kill of the whole process group, the OOM killer), the next JVM cleans up:
 * each JVM holds a lock on {@value #LOCK} in its run directory for its whole life (the kernel releases it when the
 * process ends, whatever the PID namespace), and a run directory whose lock can be taken is abandoned: the servers
 * still running on it are killed (recognized by the {@code --defaults-file} of that directory on their command line,
 * so a reused pid is never hit) and the directory is removed.
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
    static final String LOCK = "lock";
    private static final Pattern RUN_DIRECTORY = Pattern.compile("mysqlsts-\\d+-\\d+");
    /** A run directory younger than this may be one whose JVM has not taken its lock yet. */
    private static final Duration YOUNG = Duration.ofMinutes(1);
    private static ProcessReaper instance;
    /** Held for the JVM's life, never closed: its lock says this run directory is in use. */
    private static FileChannel lock;

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
                lock = FileChannel.open(run.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                lock.lock();
                Files.createDirectories(run.resolve("pids"));
                Process watcher = new ProcessBuilder("sh", "-c", SCRIPT, "mysqlsts-reaper", run.toString())
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .redirectError(ProcessBuilder.Redirect.DISCARD)
                        .start();
                instance = new ProcessReaper(run, watcher);
                LOG.debug("run directory {}, reaper pid {}", run, watcher.pid());
                Thread sweeper = new Thread(() -> removeAbandoned(tmp, run), "mysqlsts-abandoned-run-directories");
                sweeper.setDaemon(true);
                sweeper.start();
            } catch (IOException e) {
                throw new UncheckedIOException("could not start the process reaper", e);
            }
        }
        return instance;
    }

    /**
     * Removes the run directories under {@code tmp} that no living JVM holds (see the class comment), other than
     * {@code own}, after killing the servers still running on them.
     *
     * @return the directories removed
     */
    static List<Path> removeAbandoned(Path tmp, Path own) {
        List<Path> removed = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(tmp)) {
            for (Path dir : (Iterable<Path>) dirs::iterator) {
                if (!dir.equals(own) && RUN_DIRECTORY.matcher(dir.getFileName().toString()).matches() && ours(dir)
                        && Files.isRegularFile(dir.resolve(LOCK), LinkOption.NOFOLLOW_LINKS)
                        && Files.isWritable(dir.resolve(LOCK))
                        && Files.getLastModifiedTime(dir).toInstant().isBefore(Instant.now().minus(YOUNG))
                        && removeIfAbandoned(dir)) {
                    removed.add(dir);
                }
            }
        } catch (IOException | UncheckedIOException e) {
            LOG.debug("could not look for abandoned run directories in {}", tmp, e);
        }
        return removed;
    }

    /**
     * Whether {@code dir} is a run directory of this user's: a real directory (not a link) that only this user can
     * write, as {@link Files#createTempDirectory} makes them (mode 0700, a random name). Another user's, or one another
     * user could change, is never swept: its servers are not this user's to kill, nor its files to delete.
     */
    private static boolean ours(Path dir) {
        try {
            return PrivateDirectory.refusal(dir, Files.readAttributes(dir, PosixFileAttributes.class,
                    LinkOption.NOFOLLOW_LINKS)) == null;
        } catch (IOException e) {
            return false; // gone meanwhile
        }
    }

    /** The processes whose {@code --defaults-file} lies under {@code dir}: servers of pods under it, whoever started them. */
    static List<ProcessHandle> serversUnder(Path dir) {
        String marker = "--defaults-file=" + dir + "/";
        return ProcessHandle.allProcesses()
                .filter(process -> process.info().arguments()
                        .map(arguments -> Stream.of(arguments).anyMatch(argument -> argument.startsWith(marker)))
                        .orElse(false))
                .toList();
    }

    private static boolean removeIfAbandoned(Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir.resolve(LOCK), StandardOpenOption.WRITE);
             FileLock held = channel.tryLock()) {
            if (held == null) {
                return false; // its JVM is alive
            }
            List<ProcessHandle> servers = serversUnder(dir);
            servers.forEach(ProcessHandle::destroyForcibly);
            for (ProcessHandle server : servers) {
                server.onExit().get(10, TimeUnit.SECONDS);
            }
            Directories.deleteRecursively(dir);
            LOG.info("removed {}, the run directory of a JVM that ended without its clean-up{}", dir,
                    servers.isEmpty() ? "" : ", and killed the " + servers.size() + " server(s) still running on it");
            return true;
        } catch (OverlappingFileLockException e) {
            return false; // held by this JVM
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("a server on the abandoned run directory {} did not exit; the directory is left", dir);
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
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
