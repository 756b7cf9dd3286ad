package dev.mysqlsts.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run directory left by a JVM whose watcher died with it (a kill of the whole process group) is removed by the next
 * JVM, with the servers still running on it; a directory a living JVM holds, or one just made, is left alone. The
 * living-JVM case with real servers is in {@link ProcessLeakTest}.
 */
class AbandonedRunDirectoriesTest {

    @TempDir
    Path tmp;
    private Process server;

    @AfterEach
    void stopServer() {
        if (server != null) {
            server.destroyForcibly();
        }
    }

    /** A process whose command line names a my.cnf under the run directory, as a pod's server does. */
    private Process serverOn(Path run) throws Exception {
        Path cnf = Files.createDirectories(run.resolve("mysql-123").resolve("mysql-0")).resolve("my.cnf");
        server = new ProcessBuilder("sh", "-c", "sleep 300; :", "--defaults-file=" + cnf).start();
        return server;
    }

    private Path runDirectory(String name, Duration age) throws Exception {
        Path run = Files.createDirectories(tmp.resolve(name));
        Files.createFile(run.resolve(ProcessReaper.LOCK));
        Files.setLastModifiedTime(run, FileTime.from(Instant.now().minus(age)));
        return run;
    }

    @Test
    void aRunDirectoryNoJvmHoldsIsRemovedAndItsServersKilled() throws Exception {
        Path run = runDirectory("mysqlsts-999999-1", Duration.ZERO);
        Process orphan = serverOn(run);
        Files.setLastModifiedTime(run, FileTime.from(Instant.now().minus(Duration.ofMinutes(5))));

        assertEquals(List.of(run), ProcessReaper.removeAbandoned(tmp, tmp.resolve("own")));
        assertFalse(Files.exists(run));
        assertTrue(orphan.waitFor(10, TimeUnit.SECONDS), "the server on the abandoned directory was killed");
    }

    @Test
    void aRunDirectoryOthersCanWriteIsLeftAloneWithItsServer() throws Exception {
        Path shared = runDirectory("mysqlsts-999999-4", Duration.ZERO);
        Process sharedServer = serverOn(shared);
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
        Files.setLastModifiedTime(shared, FileTime.from(Instant.now().minus(Duration.ofMinutes(5))));

        assertEquals(List.of(), ProcessReaper.removeAbandoned(tmp, tmp.resolve("own")));
        assertTrue(Files.exists(shared.resolve(ProcessReaper.LOCK)), "another user could have planted it");
        assertTrue(sharedServer.isAlive(), "its server is not this user's to kill");
    }

    @Test
    void aRunDirectoryOfAnotherUserIsLeftAloneWithItsServer() throws Exception {
        Path theirs = runDirectory("mysqlsts-999999-5", Duration.ZERO);
        Process theirServer = serverOn(theirs);
        Files.setPosixFilePermissions(theirs, PosixFilePermissions.fromString("rwx------"));
        PrivateDirectoryTest.chownedToNobody(theirs);
        Files.setLastModifiedTime(theirs, FileTime.from(Instant.now().minus(Duration.ofMinutes(5))));

        assertEquals(List.of(), ProcessReaper.removeAbandoned(tmp, tmp.resolve("own")));
        assertTrue(Files.exists(theirs.resolve(ProcessReaper.LOCK)), "another user's run directory");
        assertTrue(theirServer.isAlive(), "its server is not this user's to kill");
    }

    @Test
    void thisJvmsRunDirectoryIsPrivateAndItsNameNotPredictable() throws Exception {
        Path run = ProcessReaper.get().runDirectory();

        assertEquals("rwx------", PrivateDirectoryTest.mode(run));
        assertTrue(run.getFileName().toString().matches("mysqlsts-" + ProcessHandle.current().pid() + "-\\d+"),
                run.toString()); // the number is random (Files.createTempDirectory)
    }

    /**
     * The lock held by another process (another test JVM, alive), not by this one: the sweep leaves its directory and
     * its server, and takes them once that process is gone.
     */
    @Test
    void aRunDirectoryAnotherLivingProcessHoldsIsLeftAloneUntilItEnds() throws Exception {
        Path held = runDirectory("mysqlsts-999999-6", Duration.ZERO);
        Process running = serverOn(held);
        Files.setLastModifiedTime(held, FileTime.from(Instant.now().minus(Duration.ofMinutes(5))));
        Process holder = holdLockInAnotherJvm(held.resolve(ProcessReaper.LOCK));
        try {
            assertEquals(List.of(), ProcessReaper.removeAbandoned(tmp, tmp.resolve("own")));
            assertTrue(Files.exists(held.resolve(ProcessReaper.LOCK)) && running.isAlive(),
                    "a directory another living JVM holds is left with its server");
        } finally {
            holder.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        assertEquals(List.of(held), ProcessReaper.removeAbandoned(tmp, tmp.resolve("own")),
                "once its holder is gone the same directory is abandoned");
        assertTrue(running.waitFor(10, TimeUnit.SECONDS), "and its server killed");
    }

    /** A second JVM that locks {@code lock} as a test JVM locks its run directory's, and says so. */
    private Process holdLockInAnotherJvm(Path lock) throws Exception {
        Path source = Files.writeString(tmp.resolve("HoldLock.java"), """
                import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
                import java.nio.file.Path;
                import java.nio.file.StandardOpenOption;
                public class HoldLock {
                    public static void main(String[] args) throws Exception {
                        FileChannel channel = FileChannel.open(Path.of(args[0]), StandardOpenOption.WRITE);
                        channel.lock();
                        System.out.println("LOCKED");
                        Thread.sleep(300_000);
                    }
                }
                """);
        String java = ProcessHandle.current().info().command().orElse("java");
        Process holder = new ProcessBuilder(java, source.toString(), lock.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<String> line = CompletableFuture.supplyAsync(() -> {
            try {
                return out.readLine();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, reader -> new Thread(reader, "HoldLock output").start());
        try {
            assertEquals("LOCKED", line.get(60, TimeUnit.SECONDS), "the second JVM did not take the lock");
        } catch (Exception | AssertionError e) {
            holder.destroyForcibly(); // its end closes its output, and so ends the read
            throw e;
        }
        return holder;
    }

    @Test
    void aRunDirectoryHeldOrJustMadeIsLeftAlone() throws Exception {
        Path held = runDirectory("mysqlsts-999999-2", Duration.ofMinutes(5));
        Path young = runDirectory("mysqlsts-999999-3", Duration.ZERO);
        Path stranger = Files.createDirectories(tmp.resolve("mysqlsts-spares-someone"));
        Process running = serverOn(held);
        Files.setLastModifiedTime(held, FileTime.from(Instant.now().minus(Duration.ofMinutes(5))));
        try (FileChannel channel = FileChannel.open(held.resolve(ProcessReaper.LOCK), StandardOpenOption.WRITE);
             var lock = channel.lock()) {
            assertEquals(List.of(), ProcessReaper.removeAbandoned(tmp, tmp.resolve("own")));
        }
        assertTrue(Files.exists(held) && Files.exists(young) && Files.exists(stranger));
        assertTrue(running.isAlive(), "a held directory's server runs on");
    }
}
