package dev.mysqlsts.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mysqlsts.cluster.StatefulSetCluster;
import dev.mysqlsts.replication.Sql;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.stream.Stream;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Snapshots of cloned starts: a second cluster of the same shape restores its followers from the first one's clones,
 * still pod by pod in order, and they replicate from its own leader; a snapshot that does not fit the new leader is
 * dropped and the followers cloned; with mysqlsts.snapshot=false every follower is cloned. The snapshots are kept in a
 * cache directory of this class's run, never the user's: one test here corrupts a snapshot on purpose.
 */
class ClusterSnapshotTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @TempDir
    static Path run;

    /** A cluster of the bundled manifests whose cache directory is this run's. */
    private static LocalStatefulSet start(int replicas, String... properties) {
        String[] withCache = Arrays.copyOf(properties, properties.length + 2);
        withCache[properties.length] = CacheDirectory.PROPERTY;
        withCache[properties.length + 1] = run.resolve("cache").toString(); // made private (0700) by the harness
        return LocalClusters.start(replicas, withCache);
    }

    @Test
    void aClusterOfAShapeStartedBeforeIsRestoredInOrderAndReplicatesFromItsOwnLeader() throws Exception {
        start(3).close(); // clones and keeps the clones, stored at close, unless an earlier test did
        LocalStatefulSet cluster = start(3);
        try {
            List<PodPhases> phases = cluster.startPhases();
            assertEquals("new data directory", phases.get(0).origin());
            for (int ordinal = 1; ordinal < 3; ordinal++) {
                PodPhases pod = phases.get(ordinal);
                assertTrue(pod.origin().startsWith("restored from a snapshot of a cloned start: cloned from mysql-"
                        + (ordinal - 1)), pod.origin());
                assertFalse(pod.beganAt().isBefore(phases.get(ordinal - 1).readyAt()),
                        "mysql-" + ordinal + " began at " + pod.beganAt() + ", before mysql-" + (ordinal - 1)
                                + " was Ready at " + phases.get(ordinal - 1).readyAt());
                Map<String, String> status = Sql.rows(cluster.endpoint(ordinal).adminJdbcUrl(), TIMEOUT,
                        "SHOW SLAVE STATUS").get(0);
                assertEquals(Integer.toString(cluster.replicationAddress(ordinal, 0).port()), status.get("Master_Port"),
                        "mysql-" + ordinal + " replicates from this cluster's mysql-0, not the snapshot's");
                assertEquals("Yes", status.get("Slave_SQL_Running"), status.toString());
                // the kept clone was started once when the snapshot was stored, as its pod's first start was
                String errorLog = Files.readString(cluster.pod(ordinal).directory().errorLog());
                assertFalse(errorLog.contains("Resizing redo log"), "mysql-" + ordinal + " redid its first start:\n"
                        + errorLog);
            }
            Sql.execute(cluster.endpoint(0).adminJdbcUrl(), TIMEOUT, "CREATE DATABASE after_restore");
            new StatefulSetCluster(cluster).awaitReplicationCaughtUp();
            for (int ordinal = 1; ordinal < 3; ordinal++) {
                assertEquals(1, Sql.rows(cluster.endpoint(ordinal).adminJdbcUrl(), TIMEOUT,
                        "SHOW DATABASES LIKE 'after_restore'").size(), "mysql-" + ordinal + " has the leader's write");
            }
        } finally {
            cluster.close();
        }
    }

    @Test
    void ddlOnARestoredClusterLeavesTheSnapshotAsItWas() throws Exception {
        start(3).close();
        LocalStatefulSet cluster = start(3);
        try {
            Path snapshot = cluster.env().snapshots().find(cluster.env(), 3).orElseThrow().dir();
            Map<Path, String> before = definitions(snapshot);
            // table definitions are hard-linked from the snapshot: these rewrite linked .frm files on the followers
            Sql.execute(cluster.endpoint(0).adminJdbcUrl(), TIMEOUT,
                    "ALTER TABLE mysql.time_zone_name COMMENT = 'changed by a test'",
                    "ALTER TABLE mysql.help_topic COMMENT = 'changed by a test'");
            new StatefulSetCluster(cluster).awaitReplicationCaughtUp();
            assertEquals(before, definitions(snapshot));
            Path definition = Path.of("mysql-1", "data", "mysql", "time_zone_name.frm");
            assertFalse(before.get(definition).equals(digest(cluster.pod(1).directory().data()
                    .resolve("mysql").resolve("time_zone_name.frm"))), "the ALTER rewrote mysql-1's own definition");
        } finally {
            cluster.close();
        }
    }

    @Test
    void aSnapshotWhoseCoordinatesDoNotFitTheNewLeaderIsDroppedAndTheFollowersRebuilt() throws Exception {
        LocalStatefulSet first = start(3);
        first.close(); // stores the snapshot, unless it restored one
        ClusterSnapshots.Snapshot snapshot = first.env().snapshots().find(first.env(), 3).orElseThrow();
        // as if the snapshot's leader had written 4000 bytes more to its binary log than a new leader does
        String position = Long.toString(snapshot.leaderEnd().position());
        String moved = Long.toString(snapshot.leaderEnd().position() + 4000);
        List<Path> coordinates;
        try (Stream<Path> files = Files.walk(snapshot.dir())) {
            coordinates = files.filter(file -> List.of("leader-binlog.txt", "xtrabackup_binlog_info",
                    "xtrabackup_slave_info", LogicalClone.CHANGE_MASTER_FILE).contains(file.getFileName().toString()))
                    .toList();
        }
        assertEquals(3, coordinates.size(), coordinates.toString());
        for (Path file : coordinates) {
            Files.writeString(file, Files.readString(file).replaceAll("\\b" + position + "\\b", moved));
        }

        LocalStatefulSet cluster = start(3);
        try {
            assertTrue(cluster.env().snapshots().find(cluster.env(), 3).isEmpty(), "the snapshot that did not fit is dropped");
            Sql.execute(cluster.endpoint(0).adminJdbcUrl(), TIMEOUT, "CREATE DATABASE after_rebuild");
            new StatefulSetCluster(cluster).awaitReplicationCaughtUp();
            for (int ordinal = 1; ordinal < 3; ordinal++) {
                Map<String, String> status = Sql.rows(cluster.endpoint(ordinal).adminJdbcUrl(), TIMEOUT,
                        "SHOW SLAVE STATUS").get(0);
                assertEquals("Yes", status.get("Slave_IO_Running"), status.toString());
                assertEquals(1, Sql.rows(cluster.endpoint(ordinal).adminJdbcUrl(), TIMEOUT,
                        "SHOW DATABASES LIKE 'after_rebuild'").size(), "mysql-" + ordinal + " has the leader's write");
            }
        } finally {
            cluster.close();
        }
    }

    private static String digest(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }

    private static Map<Path, String> definitions(Path dir) throws Exception {
        Map<Path, String> digests = new java.util.TreeMap<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".frm"))::iterator) {
                digests.put(dir.relativize(file), digest(file));
            }
        }
        return digests;
    }

    @Test
    void withSnapshotsOffEveryFollowerIsCloned() {
        LocalStatefulSet cluster = start(3, ClusterSnapshots.PROPERTY, "false");
        try {
            List<PodPhases> phases = cluster.startPhases();
            assertEquals("new data directory", phases.get(0).origin());
            for (int ordinal = 1; ordinal < 3; ordinal++) {
                assertTrue(phases.get(ordinal).origin().startsWith("cloned from mysql-" + (ordinal - 1)),
                        phases.get(ordinal).origin());
            }
        } finally {
            cluster.close();
        }
    }

    @Test
    void aSnapshotPropertyThatIsNoBooleanIsRefusedByName() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> start(1, ClusterSnapshots.PROPERTY, "sometimes"));
        assertTrue(error.getMessage().contains("mysqlsts.snapshot=sometimes") && error.getMessage().contains("false"),
                error.getMessage());
    }
}
