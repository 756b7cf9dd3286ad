package dev.mysqlsts.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** No server outlives the JVM that started it, even when that JVM is killed with SIGKILL. */
class ProcessLeakTest {

    @Test
    void serversOfAJvmKilledWithSigkillAreGoneWithinTenSeconds() throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process child = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                ClusterInChildJvm.class.getName()).redirectErrorStream(true).start();
        String ready = null;
        List<String> output = new ArrayList<>();
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                output.add(line);
                if (line.startsWith("PIDS ")) {
                    ready = line;
                    break;
                }
            }
            assertNotNull(ready, "the child JVM did not start its cluster:\n" + String.join("\n", output));
            String[] words = ready.split(" ");
            List<ProcessHandle> servers = List.of(ProcessHandle.of(Long.parseLong(words[1])).orElseThrow(),
                    ProcessHandle.of(Long.parseLong(words[2])).orElseThrow());
            Path runDirectory = Path.of(words[4]);

            child.destroyForcibly(); // SIGKILL: no shutdown hook, no JUnit callback runs
            assertEquals(true, child.waitFor(10, TimeUnit.SECONDS));

            Awaitility.await("servers of the killed JVM to exit").atMost(Duration.ofSeconds(10))
                    .until(() -> servers.stream().noneMatch(ProcessHandle::isAlive));
            Awaitility.await("the killed JVM's run directory to be removed").atMost(Duration.ofSeconds(10))
                    .until(() -> !Files.exists(runDirectory));
            assertFalse(servers.stream().anyMatch(ProcessHandle::isAlive));
        } finally {
            child.destroyForcibly();
        }
    }
}
