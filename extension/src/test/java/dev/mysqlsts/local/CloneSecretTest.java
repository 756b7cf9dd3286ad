package dev.mysqlsts.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mysqlsts.replication.Sql;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Issue 19: while a follower is cloned, with mariabackup or with mariadb-dump and the mariadb client, no process of
 * the machine has the cluster's admin secret on its command line (what {@code ps} shows every user). The command
 * lines of all processes are sampled from /proc while the clone runs; as the tools overwrite a password option in
 * their command line soon after they start, a {@code --password} option is counted too.
 */
class CloneSecretTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @ParameterizedTest(name = "{0} clone")
    @CsvSource({"physical, /usr/sbin/mariadbd, mariabackup", "logical, classpath, mariadb-dump"})
    void noCommandLineCarriesTheAdminSecretDuringAClone(String clone, String server, String tool) throws Exception {
        if (!server.equals(ServerBinariesLocator.CLASSPATH)) {
            assumeTrue(LocalClusters.hostHasMariaDb(true), "MariaDB with mariabackup is not installed on this host");
        }
        LocalStatefulSet cluster = ManifestDrivenStartTest.start("seed", 1, "mysqlsts.clone", clone,
                ServerBinariesLocator.PROPERTY, server, "mysqlsts.snapshot", "false");
        try {
            String secret = cluster.endpoint(0).adminPassword();
            assertFalse(secret.isEmpty());
            // a user database, so that the logical clone dumps it rather than copying the coordinates only
            Sql.execute(cluster.endpoint(0).adminJdbcUrl(), TIMEOUT, "CREATE DATABASE shop",
                    "CREATE TABLE shop.orders (id INT PRIMARY KEY)", "INSERT INTO shop.orders VALUES (1), (2)");
            Set<String> withSecret = ConcurrentHashMap.newKeySet();
            Set<String> toolsSeen = ConcurrentHashMap.newKeySet();
            AtomicBoolean cloning = new AtomicBoolean(true);
            CompletableFuture<Void> sampler = CompletableFuture.runAsync(() -> {
                while (cloning.get()) {
                    sample(secret, tool, withSecret, toolsSeen);
                }
            });

            cluster.scale(2);
            cloning.set(false);
            sampler.get();

            assertTrue(cluster.pod(1).lastStart().origin().startsWith("cloned from mysql-0"),
                    cluster.pod(1).lastStart().origin());
            assertEquals(Set.of(tool), toolsSeen, "the sampler saw the clone's " + tool + " run");
            assertEquals(Set.of(), withSecret, "command lines with the admin secret");
            assertEquals("2", Sql.rows(cluster.endpoint(1).adminJdbcUrl(), TIMEOUT,
                    "SELECT COUNT(*) AS n FROM shop.orders").get(0).get("n"), "the clone logged in with the secret");
            try (DirectoryStream<Path> files = Files.newDirectoryStream(cluster.pod(1).directory().root(), "client-*")) {
                assertFalse(files.iterator().hasNext(), "the client option files are deleted after the clone");
            }
        } finally {
            cluster.close();
        }
    }

    private static boolean childOfThisJvm(Path process) {
        return ProcessHandle.of(Long.parseLong(process.getFileName().toString())).flatMap(ProcessHandle::parent)
                .map(ProcessHandle::pid).filter(parent -> parent == ProcessHandle.current().pid()).isPresent();
    }

    private static void sample(String secret, String tool, Set<String> withSecret, Set<String> toolsSeen) {
        try (DirectoryStream<Path> processes = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path process : processes) {
                String commandLine;
                try {
                    commandLine = new String(Files.readAllBytes(process.resolve("cmdline")), StandardCharsets.UTF_8)
                            .replace('\0', ' ');
                } catch (IOException e) {
                    continue; // ended meanwhile
                }
                if (commandLine.contains(secret)) {
                    withSecret.add(process.getFileName() + ": " + commandLine);
                }
                if (commandLine.startsWith("/") && commandLine.split(" ")[0].endsWith("/" + tool)) {
                    toolsSeen.add(tool);
                }
                if (commandLine.contains("--password") && childOfThisJvm(process)) { // not other tests' tools
                    // the tools overwrite a password given as an option soon after they start: then only its option
                    // shows that the secret was there for a while
                    withSecret.add(process.getFileName() + ": " + commandLine);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("could not list /proc", e);
        }
    }
}
