package dev.mysqlsts.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** File-tree chores of the LOCAL backend. */
final class Directories {

    private Directories() {
    }

    static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete " + dir, e);
        }
    }

    /**
     * Moves a directory out of the JVM's run directory (which is removed when the JVM ends) to
     * {@code <java.io.tmpdir>/mysqlsts-kept-<user>/}, where a person can look at it after the build.
     *
     * @return where it is now
     */
    static Path keep(Path dir) {
        try {
            Path kept = keptRoot();
            Files.createDirectories(kept);
            Path target = Files.createTempDirectory(kept, dir.getFileName() + "-");
            Files.delete(target);
            Files.move(dir, target);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("could not keep " + dir, e);
        }
    }

    /** Where kept clusters go: per user, since another user's directory in /tmp is not writable. */
    static Path keptRoot() {
        return Path.of(System.getProperty("java.io.tmpdir"), "mysqlsts-kept-" + System.getProperty("user.name"));
    }

    /**
     * Copies a data directory. InnoDB's redo log is a 96 MiB file of mostly zeros, so this uses cp with
     * sparse output (a few MiB and milliseconds) rather than Files.copy (the whole file, ten times slower).
     */
    static void copyTree(Path from, Path to, Path log) {
        Commands.run(List.of("cp", "-R", "--sparse=always", from.toString(), to.toString()), log, Duration.ofMinutes(2));
    }
}
