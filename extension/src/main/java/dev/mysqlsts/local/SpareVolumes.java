package dev.mysqlsts.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * Pods' volumes made from pristine data directories (a snapshot's pod, the template), with spare copies made ahead:
 * when a cluster stops, one copy per volume it made is filled for the next cluster of the same shape, which then
 * moves it into place (one rename) instead of copying on its start path. A volume taken this way is the same copy
 * {@link Directories#provision} makes, made earlier. Spares live in the user's cache directory when it is on the run
 * directories' file system (a rename does not cross file systems; see {@link Stores}), keyed by the pristine
 * directory's path and identity (a rebuilt cache gets new spares); two JVMs never take the same spare (the rename of one fails, it copies instead).
 * Spares unused for {@link #UNUSED_FOR} are removed.
 */
final class SpareVolumes {

    /** The store's name in the cache directory (see {@link Stores}). */
    static final String DIRECTORY = "spares";
    private static final Duration UNUSED_FOR = Duration.ofDays(2);

    private final Path root;
    private final Runnable afterRefill;
    private final Map<Path, Integer> made = new ConcurrentHashMap<>();

    /**
     * @param root        the store, a {@link PrivateDirectory}
     * @param afterRefill run after each {@link #refill}: the store's bounds (see {@link Stores})
     */
    SpareVolumes(Path root, Runnable afterRefill) {
        this.root = root;
        this.afterRefill = afterRefill;
    }

    SpareVolumes(Path root) {
        this(root, () -> { });
    }

    /** Makes {@code to} (absent or empty) a copy of {@code pristine}: a spare moved into place, else a copy. */
    void provision(Path pristine, Path to, Path log) {
        made.merge(pristine, 1, Integer::sum);
        if (!take(pristine, to)) {
            Directories.provision(pristine, to, log);
        }
    }

    private boolean take(Path pristine, Path to) {
        Path shelf = shelf(pristine);
        try (Stream<Path> spares = Files.list(shelf)) {
            for (Path spare : (Iterable<Path>) spares::iterator) {
                try {
                    Files.createDirectories(to.getParent());
                    Files.move(spare, to, StandardCopyOption.ATOMIC_MOVE);
                    return true;
                } catch (NoSuchFileException e) {
                    // another JVM took it first
                } catch (IOException e) {
                    return false; // another file system, or a volume that is not empty: copy
                }
            }
        } catch (IOException | UncheckedIOException e) {
            return false; // no shelf yet
        }
        return false;
    }

    /**
     * After the cluster stopped: as many spares of each pristine directory as it made volumes of. Copies are filled
     * under {@code scratch} (the cluster's run directory, removed with the JVM should it die meanwhile) and then moved
     * onto the shelf whole.
     */
    void refill(Path scratch, Path log) {
        made.forEach((pristine, count) -> fill(pristine, count, scratch, log));
        made.clear();
        Directories.deleteUnused(root, shelf -> UNUSED_FOR);
        afterRefill.run();
    }

    /** Fills spares of {@code pristine} up to {@code count}, as {@link #refill} does. */
    void fill(Path pristine, int count, Path scratch, Path log) {
        if (!Files.isDirectory(pristine)) {
            return;
        }
        Path shelf = shelf(pristine);
        try {
            PrivateDirectory.ensure(shelf);
            for (long have = countSpares(shelf); have < count; have++) {
                Path filling = Files.createTempDirectory(scratch, "spare-");
                Path copy = filling.resolve("data");
                Directories.provision(pristine, copy, log);
                Files.move(copy, shelf.resolve("spare-" + UUID.randomUUID()), StandardCopyOption.ATOMIC_MOVE);
                Directories.deleteRecursively(filling);
            }
            Files.setLastModifiedTime(shelf, FileTime.from(Instant.now()));
        } catch (IOException | UncheckedIOException e) {
            // a spare only saves time: the next cluster copies instead
        }
    }

    private static long countSpares(Path shelf) throws IOException {
        try (Stream<Path> spares = Files.list(shelf)) {
            return spares.count();
        }
    }

    /** One directory per pristine data directory, named by its path and identity (inode and time). */
    private Path shelf(Path pristine) {
        String identity;
        try {
            BasicFileAttributes attributes = Files.readAttributes(pristine, BasicFileAttributes.class);
            identity = pristine.toAbsolutePath() + "\n" + attributes.fileKey() + "\n" + attributes.lastModifiedTime();
        } catch (IOException e) {
            identity = pristine.toAbsolutePath().toString();
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(identity.getBytes(StandardCharsets.UTF_8));
            return root.resolve(HexFormat.of().formatHex(digest, 0, 12));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
