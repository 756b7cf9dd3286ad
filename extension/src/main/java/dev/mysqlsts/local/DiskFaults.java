package dev.mysqlsts.local;

import dev.mysqlsts.backend.DiskFault;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Disk faults of a pod's running server, switched with {@code fiu-ctrl} (Debian {@code fiu-utils}; its man page
 * fiu-ctrl(1) and the script /usr/bin/fiu-ctrl: it writes "enable name=...,failinfo=..." to the pipe
 * {@code <prefix>-<pid>.in} that the preloaded fiu_run_preload.so reads, and reads the answer from {@code .out}).
 * The failure points are the POSIX ones of fiu_posix_preload.so (/usr/share/doc/fiu-utils/function_list);
 * {@code failinfo} is the errno the call returns. libfiu has no path filter: the fault hits every such call of the
 * server, whatever the file.
 *
 * <ul>
 *   <li>{@link DiskFault#FULL}: {@code write} and {@code writev} fail with ENOSPC (28). Those are the calls that
 *       append (the binary log, the relay log, temporary files, through MariaDB's mysys my_write). {@code pwrite} is
 *       left alone: InnoDB writes its redo log and data files in place, into space allocated beforehand, which a full
 *       disk does not refuse (measured: with pwrite failing too, 10.11 aborts at once on
 *       {@code pwrite("ib_logfile0") returned -1, operating system error 28}, which a full disk does not cause).
 *       The server's network calls (send, recv) are not affected.</li>
 *   <li>{@link DiskFault#IO_ERRORS}: {@code write}, {@code writev}, {@code pwrite}, {@code pwritev}, {@code fsync}
 *       and {@code fdatasync} fail with EIO (5).</li>
 * </ul>
 *
 * The failure points live in the server process: a restarted server runs on a sound disk.
 */
final class DiskFaults {

    private static final Duration CONTROL_TIMEOUT = Duration.ofSeconds(10);
    private static final Map<DiskFault, List<String>> POINTS = Map.of(
            DiskFault.FULL, List.of("posix/io/rw/write", "posix/io/rw/writev"),
            DiskFault.IO_ERRORS, List.of("posix/io/rw/write", "posix/io/rw/writev", "posix/io/rw/pwrite",
                    "posix/io/rw/pwritev", "posix/io/sync/fsync", "posix/io/sync/fdatasync"));
    private static final Map<DiskFault, Integer> ERRNO = Map.of(DiskFault.FULL, 28, DiskFault.IO_ERRORS, 5);

    /** Per pod: the pid of the server that carries the fault, and the failure points enabled in it. */
    private final Map<Integer, Enabled> enabled = new ConcurrentHashMap<>();

    private record Enabled(long pid, List<String> points) {
    }

    /**
     * Enables the fault in the pod's running server.
     *
     * @return completes when that server has ended
     * @throws UnsupportedOperationException naming the packages, when libfiu or fiu-ctrl is missing
     */
    synchronized CompletionStage<Void> enable(LocalPod pod, ServerPreload preload, DiskFault fault) {
        String call = "faults." + (fault == DiskFault.FULL ? "diskFull" : "ioErrors") + "(" + pod.ordinal() + ")";
        if (!preload.disk() || !Files.isExecutable(ServerPreload.FIU_CTRL)) {
            boolean installed = Files.isRegularFile(ServerPreload.FIU_RUN) && Files.isExecutable(ServerPreload.FIU_CTRL);
            throw new UnsupportedOperationException(call + ": LOCAL makes a disk fault with libfiu preloaded into the "
                    + "server and switched by fiu-ctrl, and " + (installed
                    ? "-D" + ServerPreload.PROPERTY + "=" + preload.chosen() + " does not preload it; remove that property"
                    : "they are not installed: apt-get install fiu-utils libfiu0") + ", then start the cluster again");
        }
        long pid = pod.pid();
        ServerPreload.notRunning(call, pod, pid).ifPresent(e -> {
            throw e;
        });
        ProcessHandle server = ProcessHandle.of(pid).orElseThrow(() -> ServerPreload.notRunning(call, pod, -1).get());
        if (!ServerPreload.loaded(pid, ServerPreload.FIU_POSIX)) {
            throw new UnsupportedOperationException(call + ": the server of " + pod.name() + " (pid " + pid + ") runs "
                    + "without libfiu (started before it was installed?); start the cluster again");
        }
        List<String> points = POINTS.get(fault);
        List<String> commands = new ArrayList<>();
        for (String point : points) {
            commands.add("enable name=" + point + ",failinfo=" + ERRNO.get(fault));
        }
        control(pod, pid, commands);
        Enabled before = enabled.get(pod.ordinal());
        List<String> all = new ArrayList<>(points);
        if (before != null && before.pid() == pid) {
            before.points().stream().filter(p -> !all.contains(p)).forEach(all::add);
        }
        enabled.put(pod.ordinal(), new Enabled(pid, List.copyOf(all)));
        CompletableFuture<Void> ended = new CompletableFuture<>();
        server.onExit().thenRun(() -> {
            enabled.computeIfPresent(pod.ordinal(), (ordinal, on) -> on.pid() == pid ? null : on);
            ended.complete(null);
        });
        return ended;
    }

    /**
     * Disables every failure point enabled in the pod's server, when that server still runs; a paused server is
     * thawed for the moment of the command.
     */
    synchronized void disable(LocalPod pod) {
        Enabled on = enabled.get(pod.ordinal());
        if (on != null && on.pid() == pod.pid() && ProcessHandle.of(on.pid()).isPresent()) {
            List<String> commands = on.points().stream().map(point -> "disable name=" + point).toList();
            if (stopped(on.pid())) {
                // paused (faults.pause): thawed for the few milliseconds of the command, as a schedule's lift of
                // one cut thaws paused pods, then frozen again
                pod.signal("CONT");
                try {
                    control(pod, on.pid(), commands);
                } finally {
                    pod.signal("STOP");
                }
            } else {
                control(pod, on.pid(), commands);
            }
        }
        enabled.remove(pod.ordinal());
    }

    /** Whether the process is stopped by a signal (SIGSTOP: {@code faults.pause}), from /proc/PID/stat's state. */
    static boolean stopped(long pid) {
        try {
            String stat = Files.readString(java.nio.file.Path.of("/proc", Long.toString(pid), "stat"));
            // pid (comm) state ...: comm may hold spaces and parentheses, so the state follows the last ')'
            return stat.substring(stat.lastIndexOf(')') + 2).startsWith("T");
        } catch (java.io.IOException | RuntimeException e) {
            return false;
        }
    }

    /** Whether a fault is enabled in the pod's running server. */
    boolean active(int ordinal) {
        return enabled.containsKey(ordinal);
    }

    private static void control(LocalPod pod, long pid, List<String> commands) {
        if (stopped(pid)) {
            // libfiu's control thread answers fiu-ctrl from inside the server: a frozen server cannot
            throw new IllegalStateException(pod.name() + " is paused: its server cannot take a fiu-ctrl command until "
                    + "faults.resume(" + pod.ordinal() + ") (heal() resumes it first)");
        }
        List<String> command = new ArrayList<>(List.of(ServerPreload.FIU_CTRL.toString(),
                "-f", ServerPreload.fiuPrefix(pod.directory()).toString()));
        for (String c : commands) {
            command.add("-c");
            command.add(c);
        }
        command.add(Long.toString(pid));
        // fiu-ctrl reports a failed command or an unknown pipe on its standard output and exits 0
        String out = Commands.run(command, pod.directory().consoleLog(), CONTROL_TIMEOUT);
        if (out.contains("rror")) {
            throw new LocalBackendException("fiu-ctrl on " + pod.name() + " (pid " + pid + "): " + out.trim());
        }
    }
}
