package dev.mysqlsts.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;

/**
 * A pod's wall clock: the offset in the file that the pod's libfaketime reads ({@code FAKETIME_TIMESTAMP_FILE},
 * whose content has the form of the {@code FAKETIME} variable: {@code +30} or {@code -120}, in seconds).
 */
final class ClockControl {

    /** How often libfaketime reads the file again ({@code FAKETIME_CACHE_DURATION}, whole seconds). */
    static final Duration REREAD = Duration.ofSeconds(1);

    private ClockControl() {
    }

    /**
     * How long after a write the server sees it: libfaketime reads the file again once the whole seconds since its
     * last read exceed {@link #REREAD}, so up to two of them (measured: 0.5 to 1.5 s; a check 1.1 s after the write
     * still saw the old offset).
     */
    static final Duration SEEN_WITHIN = REREAD.multipliedBy(2).plusMillis(100);

    /**
     * Sets the pod's offset and returns once its server has read it ({@link #SEEN_WITHIN} later).
     *
     * @throws UnsupportedOperationException naming the package, when the running server has no libfaketime
     */
    static void skew(LocalPod pod, ServerPreload preload, Duration offset) {
        String call = "faults.clockSkew(" + pod.ordinal() + ", " + offset + ")";
        if (!preload.clock()) {
            throw new UnsupportedOperationException(call + ": LOCAL shifts a pod's clock with libfaketime preloaded "
                    + "into its server, and " + (Files.isRegularFile(ServerPreload.FAKETIME)
                    ? "-D" + ServerPreload.PROPERTY + "=" + preload.chosen() + " does not preload it; remove that property"
                    : ServerPreload.FAKETIME + " is not installed: apt-get install libfaketime")
                    + ", then start the cluster again");
        }
        long pid = pod.pid();
        var notRunning = ServerPreload.notRunning(call, pod, pid);
        if (notRunning.isPresent() && !offset.isZero()) { // putting the clock back needs no server: it reads the file
            throw notRunning.get();
        }
        if (notRunning.isEmpty() && !ServerPreload.loaded(pid, ServerPreload.FAKETIME)) {
            throw new UnsupportedOperationException(call + ": the server of " + pod.name() + " (pid " + pid + ") runs "
                    + "without libfaketime (started before it was installed?); start the cluster again");
        }
        write(ServerPreload.clockFile(pod.directory()), offset.toSeconds());
        try {
            Thread.sleep(SEEN_WITHIN.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Puts the pod's clock back when it is skewed; returns at once when it is not. */
    static boolean reset(LocalPod pod) {
        Path file = ServerPreload.clockFile(pod.directory());
        try {
            if (!Files.exists(file) || Files.readString(file).trim().equals("+0")) {
                return false;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        write(file, 0);
        return true;
    }

    /** Writes the offset through a rename, so that libfaketime never reads a half-written file. */
    static void write(Path file, long seconds) {
        Path next = file.resolveSibling(file.getFileName() + ".next");
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(next, (seconds < 0 ? "" : "+") + seconds + "\n");
            Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the clock offset " + file, e);
        }
    }
}
