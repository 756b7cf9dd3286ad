package dev.mysqlsts.local;

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
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Snapshots of cloned starts: after a cluster was started the faithful way (each follower cloned from the
 * previous ordinal, replication started from the clone's coordinates), the pods' data directories are copied
 * while their servers are stopped, keyed by everything that shaped them (server binary and version, clone mode,
 * StatefulSet name, replicas, the translated ConfigMap files, the sidecar's replication options, the server-id
 * formula). A later cluster of the same shape restores them instead of cloning again and says so in each pod's
 * Ready line ("restored from a snapshot of a cloned start"). Property {@value #PROPERTY}: {@code true} (default)
 * or {@code false} for tests of the clone itself.
 *
 * <p>A follower's snapshot carries no replication state (master.info, relay logs): its sidecar file
 * {@code change_master_to.sql.in} holds the position it had executed up to (and its GTID position), so the
 * restored pod's sidecar points it at this cluster's leader from there, as after a clone.
 */
final class ClusterSnapshots {

    static final String PROPERTY = "mysqlsts.snapshot";
    /** Bump when what a snapshot holds or how it is used changes, so older snapshots are not used. */
    private static final String FORMAT = "s1";
    private static final String ORIGINS = "origins.txt";

    private final Path root;

    private ClusterSnapshots(Path root) {
        this.root = root;
    }

    /** The snapshot store under the cache directory, or null when {@value #PROPERTY} is false. */
    static ClusterSnapshots of(Settings settings, Path cacheDir) {
        String value = settings.get(PROPERTY).orElse("true").toLowerCase();
        switch (value) {
            case "true":
                return new ClusterSnapshots(cacheDir.resolve("snapshots"));
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
     * @param dir     holds one data directory per pod, named like the pod
     * @param origins how each pod got its data in the start the snapshot was taken of
     */
    record Snapshot(Path dir, List<String> origins) {
        Path data(String podName) {
            return dir.resolve(podName);
        }
    }

    Optional<Snapshot> find(PodEnvironment env, int replicas) {
        Path dir = root.resolve(key(env, replicas));
        Path origins = dir.resolve(ORIGINS);
        if (!Files.isRegularFile(origins)) {
            return Optional.empty();
        }
        try {
            List<String> lines = Files.readAllLines(origins, StandardCharsets.UTF_8);
            return lines.size() == replicas ? Optional.of(new Snapshot(dir, lines)) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Everything that shapes the pods' data, hashed. */
    static String key(PodEnvironment env, int replicas) {
        String shape = String.join("\n", FORMAT, env.binaries().version(), env.binaries().server().toString(),
                env.physicalClone() ? "physical" : "logical", env.spec().statefulSetName(), Integer.toString(replicas),
                env.spec().leaderConfig().key(), env.leaderConfig(), env.spec().followerConfig().key(),
                env.followerConfig(), Integer.toString(env.spec().serverIdOffset()),
                env.spec().changeMasterOptions().toString(), String.join(",", PodEnvironment.HARNESS_OPTIONS));
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(shape.getBytes(StandardCharsets.UTF_8));
            return env.spec().statefulSetName() + "-" + replicas + "-" + HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Takes the snapshot of a cluster that was just started the faithful way: followers stop replicating and
     * note their position, every server stops, the data directories are copied, the servers start again and
     * the followers resume. Another JVM taking the same snapshot at the same time is harmless (first one wins).
     */
    void capture(PodEnvironment env, List<LocalPod> pods) {
        Path target = root.resolve(key(env, pods.size()));
        if (Files.isRegularFile(target.resolve(ORIGINS))) {
            return;
        }
        Map<Integer, String> positions = new java.util.HashMap<>();
        for (LocalPod pod : pods.subList(1, pods.size())) {
            positions.put(pod.ordinal(), stopReplication(pod));
        }
        parallel(pods.stream().map(pod -> (Runnable) pod::stop).toList());
        Path staging = null;
        try {
            Files.createDirectories(root);
            staging = Files.createTempDirectory(root, target.getFileName() + ".creating-");
            List<String> origins = new ArrayList<>();
            for (LocalPod pod : pods) {
                Path data = staging.resolve(pod.name());
                Directories.copyTree(pod.directory().data(), data, pod.directory().consoleLog());
                if (pod.ordinal() > 0) {
                    forgetReplication(data, pod.name());
                    Files.writeString(data.resolve(LogicalClone.CHANGE_MASTER_FILE), positions.get(pod.ordinal()));
                }
                origins.add(pod.dataOrigin());
            }
            Files.write(staging.resolve(ORIGINS), origins, StandardCharsets.UTF_8);
            try {
                Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
                staging = null;
            } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException e) {
                // another JVM stored the same snapshot first
            } catch (IOException e) {
                if (!Files.isRegularFile(target.resolve(ORIGINS))) {
                    throw e;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not store a snapshot in " + root, e);
        } finally {
            if (staging != null) {
                Directories.deleteRecursively(staging);
            }
            parallel(pods.stream().map(pod -> (Runnable) pod::restartForSnapshot).toList());
            for (LocalPod pod : pods.subList(1, pods.size())) {
                Sql.execute(pod.serverEndpoint().adminJdbcUrl(), Duration.ofSeconds(10), "START SLAVE");
            }
        }
    }

    /** Stops the follower's replication and returns the sidecar file that resumes it from the same point. */
    private static String stopReplication(LocalPod pod) {
        String url = pod.serverEndpoint().adminJdbcUrl();
        Sql.execute(url, Duration.ofSeconds(30), "STOP SLAVE");
        Map<String, String> status = Sql.rows(url, Duration.ofSeconds(10), "SHOW SLAVE STATUS").stream().findFirst()
                .orElseThrow(() -> new LocalBackendException(pod.name() + " is no replica; cannot take a snapshot"));
        String gtid = Sql.rows(url, Duration.ofSeconds(10), "SELECT @@gtid_slave_pos AS pos").get(0).get("pos");
        return (gtid == null || gtid.isEmpty() ? "" : "SET GLOBAL gtid_slave_pos = '" + gtid + "';\n")
                + "CHANGE MASTER TO MASTER_LOG_FILE='" + status.get("Relay_Master_Log_File") + "', MASTER_LOG_POS="
                + status.get("Exec_Master_Log_Pos") + "\n";
    }

    /** Removes a follower's connection to its old leader: master.info, relay logs, the sidecar's done-marker. */
    private static void forgetReplication(Path data, String podName) throws IOException {
        try (Stream<Path> files = Files.list(data)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                String name = file.getFileName().toString();
                if (name.equals("master.info") || name.equals("relay-log.info") || name.startsWith(podName + "-relay-bin.")
                        || name.startsWith("change_master_to.sql")) {
                    Files.delete(file);
                }
            }
        }
    }

    private static void parallel(List<Runnable> steps) {
        java.util.concurrent.CompletableFuture.allOf(steps.stream()
                .map(java.util.concurrent.CompletableFuture::runAsync)
                .toArray(java.util.concurrent.CompletableFuture[]::new)).join();
    }
}
