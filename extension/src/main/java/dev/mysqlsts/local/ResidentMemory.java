package dev.mysqlsts.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A process's resident memory, read from {@code /proc/<pid>/status} (Linux). */
final class ResidentMemory {

    private ResidentMemory() {
    }

    /** VmRSS in KiB, or -1 when the process is gone or the system has no /proc. */
    static long kib(long pid) {
        if (pid <= 0) {
            return -1;
        }
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
            return -1;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
