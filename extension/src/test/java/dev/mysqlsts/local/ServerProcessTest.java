package dev.mysqlsts.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pid files are keyed by the process: a predecessor's clean-up never removes its successor's record. */
class ServerProcessTest {

    @TempDir
    Path dir;

    @Test
    void theCleanUpOfAnEndedServerLeavesItsSuccessorsPidFileInPlace() throws Exception {
        Path server = dir.resolve("fake-server");
        Files.writeString(server, "#!/bin/sh\nexec sleep 600\n");
        Files.setPosixFilePermissions(server, PosixFilePermissions.fromString("rwxr-xr-x"));
        ServerBinaries binaries = new ServerBinaries("test", dir, server, null, null, null, null, null, "0");
        PodDirectory pod = new PodDirectory(Files.createDirectories(dir.resolve("pod")));
        ProcessReaper reaper = ProcessReaper.get();
        String id = "pid-file-test-" + ProcessHandle.current().pid();

        ServerProcess predecessor = ServerProcess.start(binaries, pod, id, List.of());
        ServerProcess successor = ServerProcess.start(binaries, pod, id, List.of());
        try {
            assertNotEquals(predecessor.pid(), successor.pid());
            Awaitility.await("both pid files, written by the processes themselves").atMost(Duration.ofSeconds(30))
                    .until(() -> Files.exists(reaper.pidFile(id, predecessor.pid())) && Files.exists(reaper.pidFile(id, successor.pid())));
            assertEquals(Long.toString(successor.pid()), Files.readString(reaper.pidFile(id, successor.pid())).trim(),
                    "the pid file names the process that became the server (the wrapper execs it)");

            predecessor.kill();
            Awaitility.await("the predecessor's clean-up").atMost(Duration.ofSeconds(30))
                    .until(() -> !Files.exists(reaper.pidFile(id, predecessor.pid())));

            assertTrue(successor.isAlive());
            assertTrue(Files.exists(reaper.pidFile(id, successor.pid())), "the successor's pid file survived");
        } finally {
            predecessor.kill();
            successor.kill();
        }
        Awaitility.await("the successor's clean-up").atMost(Duration.ofSeconds(30))
                .until(() -> !Files.exists(reaper.pidFile(id, successor.pid())));
        assertFalse(successor.isAlive());
    }

}
