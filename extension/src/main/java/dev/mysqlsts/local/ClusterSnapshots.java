package dev.mysqlsts.local;

import dev.mysqlsts.backend.PodEndpoint;
import dev.mysqlsts.backend.Settings;
import dev.mysqlsts.replication.Sql;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.sql.Connection;
import java.sql.SQLException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.TerminalFailureException;

/**
 * Snapshots of cloned starts. While a cluster of a new shape starts the faithful way (each follower cloned from the
 * previous ordinal), what each follower's clone hands to its server is kept: the prepared mariabackup directory, or
 * for a lean logical clone the template and the coordinates file. Nothing is stopped for it. When that cluster stops,
 * each kept clone is started once with its pod's config, as its pod's first start did (InnoDB grows a prepared
 * backup's small redo log to the configured size then), and the snapshot is stored. Keyed by everything that shapes
 * the pods' data (server binary and version, clone mode, StatefulSet name, replicas, the translated ConfigMap files,
 * the sidecar's replication options, the server-id formula), a later cluster of the same shape starts ordinal 0 on a
 * new data directory as always and its followers on their kept clones, whose sidecars then replicate from the
 * coordinates the clones carry, as after a clone; each Ready line says "restored from a snapshot of a cloned start".
 * Property {@value #PROPERTY}: {@code true} (default) or {@code false} for tests of the clone itself.
 *
 * <p>A kept clone fits a new leader because a leader started on the template writes the same start events to its
 * binary log: the snapshot records where the leader's binary log ended while its followers cloned ({@link BinlogEnd})
 * and is only taken when the leader wrote nothing else meanwhile; a restore checks that its own leader ends there
 * too. Snapshots not used for {@link #UNUSED_FOR} are removed when a new one is stored.
 */
final class ClusterSnapshots {

    static final String PROPERTY = "mysqlsts.snapshot";
    /** The store's name in the cache directory (see {@link Stores}). */
    static final String DIRECTORY = "snapshots";
    /** Bump when what a snapshot holds or how it is used changes, so older snapshots are not used. */
    private static final String FORMAT = "s3";
    private static final String ORIGINS = "origins.txt";
    private static final String LEADER_BINLOG = "leader-binlog.txt";
    static final String STAGING = ".creating-";
    private static final Duration UNUSED_FOR = Duration.ofDays(7);

    private final Path root;

    private ClusterSnapshots(Path root) {
        this.root = root;
    }

    /** The snapshot store under the cache directory, or null when {@value #PROPERTY} is false. */
    static ClusterSnapshots of(Settings settings, Path cacheDir) {
        String value = settings.get(PROPERTY).orElse("true").toLowerCase();
        switch (value) {
            case "true":
                return new ClusterSnapshots(cacheDir.resolve(DIRECTORY));
            case "false":
                return null;
            default:
                throw new IllegalArgumentException(PROPERTY + "=" + value + " is not a boolean: use true (restore "
                        + "snapshots of cloned starts, the default) or false (clone every follower at every start)");
        }
    }

    /**
     * A restorable snapshot.
     *
     * @param dir       holds one directory per follower, named like the pod, with its data directory
     * @param origins   how each follower (ordinal 1, 2...) got its data in the start the snapshot was taken of
     * @param leaderEnd where the leader's binary log ended while the followers cloned
     */
    record Snapshot(Path dir, List<String> origins, BinlogEnd leaderEnd) {
        Path data(String podName) {
            return dir.resolve(podName).resolve("data");
        }

        String origin(int ordinal) {
            return origins.get(ordinal - 1);
        }
    }

    /**
     * Where a leader's binary log ends: {@code SHOW MASTER STATUS} and {@code @@gtid_binlog_pos}.
     */
    record BinlogEnd(String file, long position, String gtid) {

        static BinlogEnd of(PodEndpoint leader) {
            try (Connection connection = Sql.connect(leader.adminJdbcUrl(), Duration.ofSeconds(10))) {
                Optional<Map<String, String>> status = Sql.rows(connection, "SHOW MASTER STATUS").stream().findFirst();
                String gtid = Sql.rows(connection, "SELECT @@gtid_binlog_pos AS pos").get(0).get("pos");
                return new BinlogEnd(status.map(row -> row.get("File")).orElse(""),
                        status.map(row -> Long.parseLong(row.get("Position"))).orElse(0L), gtid == null ? "" : gtid);
            } catch (SQLException e) {
                throw new LocalBackendException("could not read where the binary log of " + leader.name() + " ends: "
                        + e.getMessage(), e);
            }
        }

        static BinlogEnd parse(String line) {
            String[] fields = line.trim().split(" ", 3);
            return new BinlogEnd(fields[0], Long.parseLong(fields[1]), fields.length > 2 ? fields[2] : "");
        }

        String format() {
            return file + " " + position + " " + gtid;
        }

        @Override
        public String toString() {
            return file + ":" + position + (gtid.isEmpty() ? "" : " (GTID " + gtid + ")");
        }
    }

    /** The snapshot of this shape, marked as used, if one was stored. */
    Optional<Snapshot> find(PodEnvironment env, int replicas) {
        Path dir = root.resolve(key(env, replicas));
        try {
            List<String> origins = Files.readAllLines(dir.resolve(ORIGINS), StandardCharsets.UTF_8);
            BinlogEnd leaderEnd = BinlogEnd.parse(Files.readString(dir.resolve(LEADER_BINLOG)));
            Snapshot snapshot = new Snapshot(dir, origins, leaderEnd);
            if (origins.size() != replicas - 1 || IntStream.range(1, replicas)
                    .anyMatch(ordinal -> !Files.isDirectory(snapshot.data(env.spec().podName(ordinal))))) {
                return Optional.empty();
            }
            Files.setLastModifiedTime(dir, FileTime.from(Instant.now()));
            return Optional.of(snapshot);
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // none, or half removed by another JVM
        }
    }

    /** Removes a snapshot that did not fit; the next cluster of its shape takes a new one. */
    void forget(Snapshot snapshot) {
        Directories.deleteRecursively(snapshot.dir());
    }

    /** Everything that shapes the pods' data, hashed. */
    static String key(PodEnvironment env, int replicas) {
        String shape = String.join("\n", FORMAT, env.binaries().version(), env.binaries().server().toString(),
                env.physicalClone() ? "physical" : "logical", env.spec().statefulSetName(), Integer.toString(replicas),
                env.spec().leaderConfig().key(), env.leaderConfig(), env.spec().followerConfig().key(),
                env.followerConfig(), env.init().fingerprint(),
                env.spec().changeMasterOptions().toString(), String.join(",", PodEnvironment.HARNESS_OPTIONS));
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(shape.getBytes(StandardCharsets.UTF_8));
            return env.spec().statefulSetName() + "-" + replicas + "-" + HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Starts recording the cloned start of a cluster of this shape, or returns null when its snapshot exists already
     * (another JVM took it).
     */
    Capture begin(PodEnvironment env, int replicas) {
        Path target = root.resolve(key(env, replicas));
        return Files.exists(target) ? null : new Capture(env, target);
    }

    /**
     * One cloned start being recorded: the pods call {@link #leaderReady} and {@link #keepClone} or
     * {@link #keepLeanClone} as they start, {@link #finish} checks and completes what was kept once they are Ready,
     * {@link #store} stores it when the cluster has stopped, or {@link #abandon} drops it.
     */
    final class Capture {

        private final PodEnvironment env;
        private final Path target;
        private final Map<String, String> leanCoordinates = new ConcurrentHashMap<>();
        private volatile Path staging;
        private volatile BinlogEnd leaderEnd;
        private volatile boolean finished;
        private final AtomicLong copying = new AtomicLong();

        private Capture(PodEnvironment env, Path target) {
            this.env = env;
            this.target = target;
        }

        /** Ordinal 0 passed its probe: where its binary log ends before any follower clones it. */
        void leaderReady(PodEndpoint leader) {
            leaderEnd = BinlogEnd.of(leader);
        }

        /** A physical clone is prepared and its server not started yet: its directory is copied as it is now. */
        void keepClone(String follower, PodDirectory dir) {
            long started = System.nanoTime();
            Directories.provision(dir.data(), kept(follower).data(), dir.consoleLog());
            copying.addAndGet(System.nanoTime() - started);
        }

        /** A lean logical clone wrote its coordinates on the template: they are what to keep. */
        void keepLeanClone(String follower, PodDirectory dir) {
            try {
                leanCoordinates.put(follower, Files.readString(dir.data().resolve(LogicalClone.CHANGE_MASTER_FILE)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /**
         * Checks and completes what was kept, once every pod is Ready.
         *
         * @return what happened, for the cluster's ready line
         */
        String finish(List<LocalPod> pods) {
            long started = System.nanoTime();
            try {
                BinlogEnd now = BinlogEnd.of(pods.get(0).serverEndpoint());
                if (!now.equals(leaderEnd)) {
                    return abandon("no snapshot taken: " + pods.get(0).name() + "'s binary log moved from " + leaderEnd
                            + " to " + now + " while its followers cloned, so the clones would not fit a new "
                            + pods.get(0).name());
                }
                List<String> origins = new ArrayList<>();
                for (LocalPod pod : pods.subList(1, pods.size())) {
                    if (!leanCoordinates.containsKey(pod.name()) && !Files.isDirectory(kept(pod.name()).data())) {
                        return abandon("no snapshot taken: " + pod.name() + "'s clone loaded a dump into its running "
                                + "server, so there was no data directory to keep before it started");
                    }
                    origins.add(pod.data().origin());
                }
                Files.write(staging().resolve(ORIGINS), origins, StandardCharsets.UTF_8);
                Files.writeString(staging().resolve(LEADER_BINLOG), leaderEnd.format());
                finished = true;
                long millis = (copying.get() + System.nanoTime() - started) / 1_000_000;
                return "kept the clones for a snapshot of this shape, stored when the cluster stops (" + millis
                        + " ms; " + PROPERTY + "=false turns snapshots off)";
            } catch (IOException e) {
                throw new UncheckedIOException("could not keep a snapshot in " + root, e);
            } catch (RuntimeException e) {
                abandon(e.getMessage());
                throw e;
            }
        }

        /** Whether {@link #finish} kept a snapshot to store. */
        boolean finished() {
            return finished;
        }

        /**
         * After the cluster stopped: starts each kept clone once, as its pod's first start did, and stores the
         * snapshot. A snapshot that cannot be stored is dropped; the next cluster of this shape clones.
         *
         * @return what happened, for the log
         */
        String store() {
            long started = System.nanoTime();
            try {
                List<CompletableFuture<Void>> starts = new ArrayList<>();
                for (int ordinal = 1; ordinal < env.spec().replicas(); ordinal++) {
                    int follower = ordinal;
                    starts.add(CompletableFuture.runAsync(() -> startOnce(follower), env.threads()));
                }
                CompletableFuture.allOf(starts.toArray(CompletableFuture[]::new)).join();
                try {
                    Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
                } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException e) {
                    return abandon("another JVM stored the snapshot of this shape first");
                } catch (IOException e) {
                    if (!Files.exists(target)) {
                        throw new UncheckedIOException(e);
                    }
                    return abandon("another JVM stored the snapshot of this shape first");
                }
                // snapshots no cluster restored for UNUSED_FOR (older formats and manifests since changed among them),
                // and what a JVM that died while storing one left
                Directories.deleteUnused(root, dir -> dir.getFileName().toString().contains(STAGING)
                        ? Duration.ofHours(1) : UNUSED_FOR);
                // the first cluster to restore it moves these into place instead of copying on its start path
                for (int ordinal = 1; ordinal < env.spec().replicas(); ordinal++) {
                    env.volumes().fill(target.resolve(env.spec().podName(ordinal)).resolve("data"), 1,
                            env.clusterDir(), env.clusterDir().resolve("spares.log"));
                }
                return "stored the snapshot of this shape in " + target + " (its followers' clones started once, "
                        + "spare volumes made: " + (System.nanoTime() - started) / 1_000_000 + " ms)";
            } catch (RuntimeException e) {
                return abandon("no snapshot stored: " + e.getMessage());
            }
        }

        /**
         * The follower's first start on its kept clone (a lean logical clone's is the template and its coordinates),
         * with its pod's config, until it answers; then a clean stop.
         */
        private void startOnce(int ordinal) {
            String name = env.spec().podName(ordinal);
            PodDirectory kept = kept(name);
            String coordinates = leanCoordinates.get(name);
            if (coordinates != null) {
                Directories.provision(env.template(), kept.data(), kept.consoleLog());
                try {
                    Files.writeString(kept.data().resolve(LogicalClone.CHANGE_MASTER_FILE), coordinates);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            int port = Ports.free();
            env.init().fill(kept, ordinal, false);
            // with the cluster's init file, as a pod starts: the clone holds the leader's accounts, root's password
            // included, and the probe logs in with the admin secret
            ServerConfig.write(kept, env.binaries(), name, port, env.serverOptions());
            ServerProcess server = ServerProcess.start(env.binaries(), kept, env.clusterName() + "-snapshot-" + name,
                    List.of());
            try {
                String url = env.endpoint(ordinal, port).adminJdbcUrl();
                Awaitility.await(name + "'s kept clone start").atMost(env.startupTimeout())
                        .pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(ReadinessProbe.STARTUP_POLL_MS))
                        .failFast("its server exited", () -> !server.isAlive())
                        .until(() -> env.probe().passes(url));
            } catch (ConditionTimeoutException | TerminalFailureException e) {
                throw new LocalBackendException("the kept clone of " + name + " did not start (" + e.getMessage()
                        + "). Last lines of " + kept.errorLog() + ":\n" + Commands.tail(kept.errorLog(), 10), e);
            } finally {
                server.stop(Duration.ofSeconds(60));
            }
            try {
                // the server allocated its whole redo log; a sparse copy keeps every later copy of it quick
                Path sparse = kept.root().resolve("data-sparse");
                Directories.provision(kept.data(), sparse, kept.consoleLog());
                Directories.deleteRecursively(kept.data());
                Files.move(sparse, kept.data());
                // only the volume is kept
                Directories.deleteRecursively(kept.confD());
                Directories.deleteRecursively(kept.rootFs());
                for (Path file : List.of(kept.myCnf(), kept.errorLog(), kept.consoleLog())) {
                    Files.deleteIfExists(file);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("could not keep the clone of " + name, e);
            }
        }

        /** Drops what was kept. */
        String abandon(String why) {
            Path kept = staging;
            if (kept != null) {
                Directories.deleteRecursively(kept);
            }
            return why;
        }

        /** Where the follower's kept clone is: its volume in {@code data/}, beside the files of its first start. */
        private PodDirectory kept(String podName) {
            return new PodDirectory(staging().resolve(podName));
        }

        private synchronized Path staging() {
            if (staging == null) {
                try {
                    PrivateDirectory.ensure(root);
                    staging = Files.createTempDirectory(root, target.getFileName() + STAGING);
                } catch (IOException e) {
                    throw new UncheckedIOException("could not create a snapshot in " + root, e);
                }
            }
            return staging;
        }
    }
}
