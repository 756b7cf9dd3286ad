package dev.mysqlsts.local;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** No server outlives the JVM that started it, even when that JVM is killed with SIGKILL. */
class ProcessLeakTest {

    @Test
    void serversOfAJvmKilledWithSigkillAreGoneWithinTenSeconds() throws Exception {
        try (ChildJvm child = new ChildJvm("leak")) {
            String[] ready = child.await("READY");
            List<ProcessHandle> servers = List.of(ProcessHandle.of(Long.parseLong(ready[1])).orElseThrow(),
                    ProcessHandle.of(Long.parseLong(ready[2])).orElseThrow());
            Path runDirectory = Path.of(ready[4]);
            // the living child holds its run directory: another JVM's sweep leaves it, however old it looks
            Files.setLastModifiedTime(runDirectory, FileTime.from(Instant.now().minus(Duration.ofHours(1))));
            assertFalse(ProcessReaper.removeAbandoned(runDirectory.getParent(), ProcessReaper.get().runDirectory())
                    .contains(runDirectory));
            assertTrue(Files.exists(runDirectory) && servers.stream().allMatch(ChildJvm::running));

            child.killHard();

            Awaitility.await("servers of the killed JVM to exit").atMost(Duration.ofSeconds(10))
                    .until(() -> servers.stream().noneMatch(ChildJvm::running));
            Awaitility.await("the killed JVM's run directory to be removed").atMost(Duration.ofSeconds(10))
                    .until(() -> !Files.exists(runDirectory));
        }
    }

    /**
     * The JVM dies while the supervisor restarts a crashed pod: the successor server (held in its start, so the
     * JVM is killed mid-restart for sure) is gone 10 s later too, since its pid file is its own and was written
     * before it became the server, and the crashed predecessor's clean-up did not remove it.
     */
    @Test
    void aJvmKilledDuringACrashRestartLeavesNoServerTenSecondsLater() throws Exception {
        try (ChildJvm child = new ChildJvm("killed-mid-restart")) {
            String[] ready = child.await("READY");
            long crashed = Long.parseLong(ready[2]);
            Path runDirectory = Path.of(ready[4]);

            child.send("restart-held");
            long successor = Long.parseLong(child.await("RESTARTING")[1]);
            assertNotEquals(crashed, successor);
            ProcessHandle successorHandle = ProcessHandle.of(successor)
                    .orElseThrow(() -> new AssertionError("the successor " + successor + " is not running:\n" + child.output()));
            try (Stream<Path> pidFiles = Files.list(runDirectory.resolve("pids"))) {
                assertTrue(pidFiles.anyMatch(file -> file.getFileName().toString().endsWith("-" + successor + ".pid")),
                        "the successor's own pid file is there:\n" + child.output());
            }
            assertTrue(ChildJvm.serversUnder(runDirectory).size() >= 2, "mysql-0 and the restarting mysql-1 run");

            child.killHard();

            Awaitility.await("servers of the JVM killed mid-restart to exit").atMost(Duration.ofSeconds(10))
                    .until(() -> ChildJvm.serversUnder(runDirectory).isEmpty());
            assertFalse(ChildJvm.running(successorHandle), "the successor (pid " + successor + ") runs");
        }
    }
}
