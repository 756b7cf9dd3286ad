package dev.mysqlsts.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Another user on the machine plants something where the harness keeps its stores, aimed at the tester's own files
 * (a victim directory holding {@code old-notes/}, three days old, and {@code new-notes/}); real clusters start and
 * stop (the spares refilled and swept, a failed class's cluster kept), and nothing of the victim's is deleted or
 * changed and nothing is moved into it. The stores themselves live in the cache directory of each test (a temporary
 * one: {@value CacheDirectory#PROPERTY}), never in the user's own.
 */
class PlantedStoresTest {

    private static final String USER = System.getProperty("user.name");

    @TempDir
    Path tmp;

    @Test
    void linksPlantedAtTheOldPlacesInTmpGetNothingAndTheStoresArePrivate() throws IOException {
        Path victim = victim();
        Map<String, String> before = contents(victim);
        Path sharedTmp = Files.createDirectories(tmp.resolve("tmp"));
        // where spares and failed clusters were kept before: fixed names in java.io.tmpdir
        Files.createSymbolicLink(sharedTmp.resolve("mysqlsts-spares-" + USER), victim);
        Files.createSymbolicLink(sharedTmp.resolve("mysqlsts-kept-" + USER), victim);
        Path cache = tmp.resolve("cache");
        String tmpdir = System.getProperty("java.io.tmpdir");
        System.setProperty("java.io.tmpdir", sharedTmp.toString());
        try {
            LocalClusters.start(2, CacheDirectory.PROPERTY, cache.toString()).close(); // spares made, shelves swept
            LocalClusters.start(1, CacheDirectory.PROPERTY, cache.toString()).close(true); // as after a failed class
        } finally {
            System.setProperty("java.io.tmpdir", tmpdir);
        }

        assertEquals(before, contents(victim), "nothing in the victim deleted, changed or added");
        assertEquals("rwx------", PrivateDirectoryTest.mode(cache));
        for (String store : List.of(ClusterSnapshots.DIRECTORY, SpareVolumes.DIRECTORY, Stores.KEPT,
                DataDirTemplate.DIRECTORY, MariaDb4jBinaries.DIRECTORY)) {
            assertEquals("rwx------", PrivateDirectoryTest.mode(cache.resolve(store)), store);
        }
        try (Stream<Path> spares = Files.walk(cache.resolve(SpareVolumes.DIRECTORY), 2);
             Stream<Path> kept = Files.list(cache.resolve(Stores.KEPT))) {
            assertTrue(spares.anyMatch(path -> path.getFileName().toString().startsWith("spare-")),
                    "the spares are in the cache directory");
            assertEquals(1, kept.count(), "the failed class's cluster is kept there");
        }
    }

    @ParameterizedTest(name = "a link at {0}")
    @ValueSource(strings = {"the cache directory", "spares", "snapshots", "kept", "templates"})
    void aLinkPlantedAtAStoreIsRefusedWithItsPathAndTheFix(String store) throws IOException {
        Path victim = victim();
        Map<String, String> before = contents(victim);
        Path cache = tmp.resolve("cache");
        Path planted = store.equals("the cache directory") ? cache : PrivateDirectory.ensure(cache).resolve(store);
        Files.createSymbolicLink(planted, victim);

        LocalBackendException refused = assertThrows(LocalBackendException.class,
                () -> LocalClusters.start(2, CacheDirectory.PROPERTY, cache.toString()).close());

        assertTrue(refused.getMessage().startsWith(planted + " is a symbolic link (to " + victim + "), so the harness "
                + "does not use it"), refused.getMessage());
        assertTrue(refused.getMessage().contains("Remove it (rm -rf '" + planted + "', as its owner or root) and it is "
                + "made again, private to you; or set mysqlsts.cache.dir to a directory of your own."),
                refused.getMessage());
        assertEquals(before, contents(victim), "nothing in the victim deleted, changed or added");
    }

    @Test
    void aStoreOwnedByAnotherUserIsRefused() throws IOException {
        Path cache = PrivateDirectory.ensure(tmp.resolve("cache"));
        Path theirs = Files.createDirectory(cache.resolve(ClusterSnapshots.DIRECTORY));
        Files.writeString(theirs.resolve("planted.txt"), "theirs");
        String owner = PrivateDirectoryTest.chownedToNobody(theirs).getName();
        Map<String, String> before = contents(theirs);

        LocalBackendException refused = assertThrows(LocalBackendException.class,
                () -> LocalClusters.start(2, CacheDirectory.PROPERTY, cache.toString()).close());

        assertTrue(refused.getMessage().startsWith(theirs + " is owned by " + owner + ", not by you (" + USER + "), "
                + "so the harness does not use it"), refused.getMessage());
        assertEquals(before, contents(theirs), "nothing moved into it");
    }

    @Test
    void aStoreItsGroupCanWriteIsRefused() throws IOException {
        Path cache = PrivateDirectory.ensure(tmp.resolve("cache"));
        Path shared = Files.createDirectory(cache.resolve(Stores.KEPT));
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwx---"));
        Map<String, String> before = contents(shared);

        LocalBackendException refused = assertThrows(LocalBackendException.class,
                () -> LocalClusters.start(2, CacheDirectory.PROPERTY, cache.toString()).close());

        assertTrue(refused.getMessage().startsWith(shared + " is writable by its group or others (rwxrwx---), so the "
                + "harness does not use it"), refused.getMessage());
        assertEquals(before, contents(shared));
    }

    @Test
    void theSweepOfUnusedEntriesNeverFollowsALink() throws IOException {
        Path victim = victim();
        Map<String, String> before = contents(victim);
        Path store = PrivateDirectory.ensure(tmp.resolve("store"));
        Files.createSymbolicLink(store.resolve("old-link"), victim);
        Files.getFileAttributeView(store.resolve("old-link"), BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                .setTimes(FileTime.from(Instant.now().minus(Duration.ofDays(3))), null, null);
        Path linkedStore = Files.createSymbolicLink(tmp.resolve("linked-store"), victim);

        Directories.deleteUnused(linkedStore, entry -> Duration.ofDays(2)); // the link at the store's root
        Directories.deleteUnused(store, entry -> Duration.ofDays(2)); // a link below it
        Directories.deleteRecursively(linkedStore);

        assertEquals(before, contents(victim));
        assertFalse(Files.exists(store.resolve("old-link"), LinkOption.NOFOLLOW_LINKS), "the link itself went");
        assertFalse(Files.exists(linkedStore, LinkOption.NOFOLLOW_LINKS));
    }

    /** The tester's own directory: {@code old-notes/} (three days old) and {@code new-notes/}. */
    private Path victim() throws IOException {
        Path victim = Files.createDirectories(tmp.resolve("victim"));
        for (String notes : List.of("old-notes", "new-notes")) {
            Path dir = Files.createDirectories(victim.resolve(notes));
            Files.writeString(dir.resolve("notes.txt"), "the tester's " + notes);
        }
        Files.setLastModifiedTime(victim.resolve("old-notes/notes.txt"), FileTime.from(Instant.now().minus(Duration.ofDays(3))));
        Files.setLastModifiedTime(victim.resolve("old-notes"), FileTime.from(Instant.now().minus(Duration.ofDays(3))));
        Files.setLastModifiedTime(victim, FileTime.from(Instant.now().minus(Duration.ofDays(3))));
        return victim;
    }

    /** Every path under {@code dir} with its content (files), kind and modification time. */
    private static Map<String, String> contents(Path dir) throws IOException {
        Map<String, String> contents = new TreeMap<>();
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : (Iterable<Path>) paths::iterator) {
                String what = !Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS) ? "dir" : Files.size(path) > 1024
                        ? Files.size(path) + " bytes" : Files.readString(path, StandardCharsets.ISO_8859_1);
                contents.put(dir.relativize(path).toString(), what + " "
                        + Files.getLastModifiedTime(path, LinkOption.NOFOLLOW_LINKS));
            }
        }
        return contents;
    }
}
