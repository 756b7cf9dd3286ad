package dev.mysqlsts.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The libraries preloaded into every pod's server from its first start, so that a clock or disk fault can be
 * switched on at run time without a restart:
 *
 * <ul>
 *   <li>libfaketime (Debian {@code libfaketime}) reads the pod's clock offset from a file
 *       ({@code FAKETIME_TIMESTAMP_FILE}, README of /usr/share/doc/libfaketime: "Changing the 'x' modifier during
 *       run-time"), again once a second at most ({@code FAKETIME_CACHE_DURATION=1}); the monotonic clock stays real
 *       ({@code FAKETIME_DONT_FAKE_MONOTONIC=1}), as on a host whose wall clock NTP steps;</li>
 *   <li>libfiu's {@code fiu_run_preload.so} and {@code fiu_posix_preload.so} (Debian {@code libfiu0}) listen on the
 *       named pipes {@code <pod>/fiu-<pid>.in/.out} ({@code FIU_CTRL_FIFO}, as /usr/bin/fiu-run sets it), which
 *       {@code fiu-ctrl} (Debian {@code fiu-utils}) writes to;</li>
 *   <li>the power-cut layer ({@link PowerCutLayer}, built with the host's C compiler) journals what the server
 *       writes to its volume and has not fsynced, in {@link PowerCutJournals#directory}, for {@code faults.powerCut}.
 *       It comes last, so that a disk fault fails a write before the layer records it.</li>
 * </ul>
 *
 * A library that is not installed is left out (the fault then fails at its call, naming the package); the system
 * property {@value #PROPERTY}{@code =none} preloads nothing, {@code clock}, {@code disk} or {@code power} only one
 * of them. With
 * {@code fiu_run_preload.so} in a server, LOCAL stops it gracefully with {@code SHUTDOWN} rather than SIGTERM alone
 * (PodServer: libfiu's control thread blocks no signal, so a SIGTERM can be lost there).
 */
final class ServerPreload {

    /**
     * {@code auto} (the default): all three where installed; {@code clock}: libfaketime; {@code disk}: libfiu;
     * {@code power}: the power-cut layer; {@code none}.
     */
    static final String PROPERTY = "mysqlsts.preload";
    static final Path FAKETIME = Path.of("/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1");
    static final Path FIU_RUN = Path.of("/usr/lib/fiu/fiu_run_preload.so");
    static final Path FIU_POSIX = Path.of("/usr/lib/fiu/fiu_posix_preload.so");
    static final Path FIU_CTRL = Path.of("/usr/bin/fiu-ctrl");
    /** The variable the server's wrapper shell exports as LD_PRELOAD just before it execs the server (see ServerProcess). */
    static final String PRELOAD_VARIABLE = "MYSQLSTS_LD_PRELOAD";

    private final String chosen;
    private final Path faketime;
    private final Path fiuRun;
    private final Path fiuPosix;
    private final Supplier<PowerCutLayer> powerCut;

    ServerPreload(String chosen, Path faketime, Path fiuRun, Path fiuPosix,
                  Supplier<PowerCutLayer> powerCut) {
        this.chosen = chosen;
        this.faketime = faketime;
        this.fiuRun = fiuRun;
        this.fiuPosix = fiuPosix;
        this.powerCut = powerCut;
    }

    /** As the system property says, with Debian's paths. */
    static ServerPreload fromSystem() {
        String value = System.getProperty(PROPERTY, "auto").trim().toLowerCase(Locale.ROOT);
        if (!List.of("auto", "clock", "disk", "power", "none").contains(value)) {
            throw new IllegalArgumentException("-D" + PROPERTY + "=" + value + ": give auto (preload libfaketime, "
                    + "libfiu and the power-cut layer where available, the default), clock (libfaketime only), disk "
                    + "(libfiu only), power (the power-cut layer only) or none (faults.clockSkew, diskFull, ioErrors "
                    + "and powerCut are then refused)");
        }
        return new ServerPreload(value, FAKETIME, FIU_RUN, FIU_POSIX, PowerCutLayer::get);
    }

    boolean clock() {
        return List.of("auto", "clock").contains(chosen) && Files.isRegularFile(faketime);
    }

    boolean disk() {
        return List.of("auto", "disk").contains(chosen) && Files.isRegularFile(fiuRun) && Files.isRegularFile(fiuPosix);
    }

    /** Whether the power-cut layer is chosen; {@link #powerCutLayer()} says whether it could be built. */
    boolean power() {
        return List.of("auto", "power").contains(chosen);
    }

    PowerCutLayer powerCutLayer() {
        return powerCut.get();
    }

    /** The value of {@value #PROPERTY} in force. */
    String chosen() {
        return chosen;
    }

    /** The pod's clock offset file, which libfaketime reads. */
    static Path clockFile(PodDirectory pod) {
        return pod.root().resolve("clock-offset");
    }

    /** The prefix of the pod's libfiu control pipes: {@code <prefix>-<pid>.in} and {@code .out}. */
    static Path fiuPrefix(PodDirectory pod) {
        return pod.root().resolve("fiu");
    }

    /** The environment of a server of {@code pod}: empty when nothing is preloaded. */
    Map<String, String> environment(PodDirectory pod) {
        Map<String, String> env = new LinkedHashMap<>();
        List<String> libraries = new ArrayList<>();
        if (disk()) {
            libraries.add(fiuRun.toString());
            libraries.add(fiuPosix.toString());
            env.put("FIU_CTRL_FIFO", fiuPrefix(pod).toString());
        }
        if (clock()) {
            libraries.add(faketime.toString());
            Path file = clockFile(pod);
            if (!Files.exists(file)) {
                ClockControl.write(file, 0);
            }
            env.put("FAKETIME_TIMESTAMP_FILE", file.toString());
            env.put("FAKETIME_CACHE_DURATION", Long.toString(ClockControl.REREAD.toSeconds()));
            env.put("FAKETIME_DONT_FAKE_MONOTONIC", "1");
        }
        if (power() && powerCutLayer().available()) {
            libraries.add(powerCutLayer().library().toString());
            try {
                env.put("MYSQLSTS_POWERCUT_ROOT", pod.data().toRealPath().toString());
            } catch (IOException e) {
                throw new UncheckedIOException("could not resolve " + pod.data(), e);
            }
            env.put("MYSQLSTS_POWERCUT_JOURNALS", PowerCutJournals.directory(pod).toString());
        }
        if (!libraries.isEmpty()) {
            env.put(PRELOAD_VARIABLE, String.join(" ", libraries));
        }
        return env;
    }

    /**
     * What the libraries leave behind a server that was killed (libfaketime's shared memory and semaphore, named by
     * the pid, in /dev/shm; libfiu's pipes): removed once the server has ended, so that a later process with the
     * same pid does not find them.
     */
    static void cleanUp(PodDirectory pod, long pid) {
        for (Path leftover : List.of(Path.of("/dev/shm/faketime_shm_" + pid), Path.of("/dev/shm/sem.faketime_sem_" + pid),
                pod.root().resolve("fiu-" + pid + ".in"), pod.root().resolve("fiu-" + pid + ".out"))) {
            try {
                Files.deleteIfExists(leftover);
            } catch (IOException e) {
                throw new UncheckedIOException("could not remove " + leftover + " after server " + pid + " ended", e);
            }
        }
    }

    /** Whether the running process {@code pid} has {@code library} mapped (read from /proc/pid/maps). */
    /**
     * An error for a fault call on a pod whose server is not running now: gone (crashed, restarting) or not yet the
     * server (its pid is recorded by the process itself just before it becomes mariadbd/mysqld); empty when it runs.
     */
    static java.util.Optional<IllegalStateException> notRunning(String call, LocalPod pod, long pid) {
        boolean running = pid > 0 && ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                .flatMap(handle -> handle.info().command())
                .map(command -> command.endsWith("mariadbd") || command.endsWith("mysqld")).orElse(false);
        return running ? java.util.Optional.empty() : java.util.Optional.of(new IllegalStateException(call + ": "
                + pod.name() + " has no running server (it is restarting?); cluster.awaitReady() waits for it"));
    }

    static boolean loaded(long pid, Path library) {
        try {
            return Files.readString(Path.of("/proc/" + pid + "/maps")).contains(library.toString());
        } catch (IOException e) {
            return false;
        }
    }
}
