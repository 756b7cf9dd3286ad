package dev.mysqlsts.cluster;

import dev.mysqlsts.FaultEvent;
import dev.mysqlsts.MySqlPod;
import dev.mysqlsts.manifest.ClusterSpec;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes what a maintainer needs to look at a cluster without this project: the manifests, the ConfigMap's server
 * configs, per pod its version, its running variables, its replica status and the tail of its error log, the fault
 * history with times, the chaos seed, and {@code reproduce.sh}, which starts the same topology (leader, followers
 * replicating from it, the ConfigMap's leader and follower configs, the same server ids) with plain MariaDB programs.
 * What the script does not replay (the statements, the faults) is said in the bundle's README.txt.
 */
final class ReproductionBundle {

    private static final Logger LOG = LoggerFactory.getLogger(ReproductionBundle.class);
    private static final int ERROR_LOG_LINES = 100;

    private final StatefulSetCluster cluster;
    private final Path dir;

    private ReproductionBundle(StatefulSetCluster cluster, Path dir) {
        this.cluster = cluster;
        this.dir = dir.toAbsolutePath();
    }

    static Path write(StatefulSetCluster cluster, Path dir) {
        try {
            return new ReproductionBundle(cluster, dir).write();
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the reproduction bundle to " + dir.toAbsolutePath(), e);
        }
    }

    private Path write() throws IOException {
        Files.createDirectories(dir);
        ClusterSpec spec = cluster.statefulSet().spec();
        KubernetesSerialization yaml = new KubernetesSerialization();
        Files.writeString(dir.resolve("manifests.yaml"), spec.objects().stream()
                .map(object -> yaml.asYaml((HasMetadata) object)).collect(Collectors.joining("")));
        Path configs = Files.createDirectories(dir.resolve("server-config"));
        Files.writeString(configs.resolve(spec.leaderConfig().key()), spec.leaderConfig().content());
        Files.writeString(configs.resolve(spec.followerConfig().key()), spec.followerConfig().content());
        List<FaultEvent> history = cluster.faults().history();
        Files.write(dir.resolve("faults.txt"), history.isEmpty() ? List.of("(no fault in this test)")
                : history.stream().map(FaultEvent::toString).toList());
        Files.writeString(dir.resolve("chaos-seed.txt"), cluster.chaos().replay(cluster)
                .orElse("(no fault schedule ran in this test)") + "\n");
        String basedir = "";
        int leader = cluster.leader().ordinal();
        List<String> serverIds = new ArrayList<>(); // what the pod's init container wrote; 100 + ordinal if unread
        for (MySqlPod pod : cluster.pods()) {
            Path podDir = Files.createDirectories(dir.resolve("pods").resolve(pod.name()));
            serverIds.add(Integer.toString(100 + pod.ordinal()));
            if (!pod.isReady()) { // a paused pod would hold each connection until its connect timeout
                Files.writeString(podDir.resolve("unreachable.txt"), pod.name() + " was not Ready at " + Instant.now()
                        + " (its readiness probe failed): not read\n");
                continue;
            }
            try (Connection connection = pod.connection()) {
                Files.writeString(podDir.resolve("version.txt"), value(connection, "SELECT VERSION()") + "\n");
                serverIds.set(pod.ordinal(), value(connection, "SELECT @@server_id"));
                Files.writeString(podDir.resolve("variables.txt"), rows(connection, "SHOW GLOBAL VARIABLES"));
                basedir = basedir.isEmpty() ? value(connection, "SELECT @@basedir") : basedir;
                Files.writeString(podDir.resolve("replica-status.txt"), pod.ordinal() == leader
                        ? "leader; binary log: " + rows(connection, "SHOW MASTER STATUS")
                        : cluster.replicaStatus(pod.ordinal()).summary() + "\n");
                Files.writeString(podDir.resolve("error-log-tail.txt"), errorLogTail(value(connection, "SELECT @@log_error")));
            } catch (SQLException | RuntimeException e) {
                Files.writeString(podDir.resolve("unreachable.txt"), pod.name() + " could not be read at " + Instant.now()
                        + ": " + e.getMessage() + "\n");
            }
        }
        Files.writeString(dir.resolve("README.txt"), readme(spec, !cluster.statefulSet().endpoint(0).userPassword().isEmpty()));
        Path script = dir.resolve("reproduce.sh");
        Files.writeString(script, script(spec, basedir, serverIds));
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        LOG.info("cluster {}: reproduction bundle written to {}", cluster.statefulSet().name(), dir);
        return dir;
    }

    private static String value(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
            return rows.next() ? String.valueOf(rows.getString(1)) : "";
        }
    }

    /** Every row, tab-separated, one line each. */
    private static String rows(Connection connection, String sql) throws SQLException {
        StringBuilder text = new StringBuilder();
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
            int columns = rows.getMetaData().getColumnCount();
            while (rows.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 1; i <= columns; i++) {
                    row.add(rows.getString(i));
                }
                text.append(String.join("\t", row)).append('\n');
            }
        }
        return text.length() == 0 ? "(empty)\n" : text.toString();
    }

    /** The last lines of the pod's error log, where this JVM can read it (LOCAL; not inside a K3S container). */
    private static String errorLogTail(String path) throws IOException {
        Path log = path.isEmpty() ? null : Path.of(path);
        if (log == null || !Files.isReadable(log)) {
            return "(the error log " + path + " is not readable from the test JVM; on K3S: kubectl logs)\n";
        }
        List<String> lines = Files.readAllLines(log, StandardCharsets.ISO_8859_1);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - ERROR_LOG_LINES), lines.size())) + "\n";
    }

    private String readme(ClusterSpec spec, boolean rootPassword) {
        return "Reproduction bundle of cluster " + cluster.statefulSet().name() + " (StatefulSet "
                + spec.statefulSetName() + ", " + cluster.replicas() + " pods), written " + Instant.now() + "\n\n"
                + "manifests.yaml        the manifests the cluster was made from (" + spec.source() + ")\n"
                + "server-config/        the ConfigMap's leader (" + spec.leaderConfig().key() + ") and follower ("
                + spec.followerConfig().key() + ") server configs\n"
                + "pods/<pod>/           version.txt, variables.txt (SHOW GLOBAL VARIABLES: the options in force),\n"
                + "                      replica-status.txt, error-log-tail.txt (last " + ERROR_LOG_LINES + " lines)\n"
                + "faults.txt            the faults of the current test, with start and end times\n"
                + "chaos-seed.txt        the seed of the fault schedule, if one ran\n"
                + "reproduce.sh          starts the same topology with plain MariaDB programs (no Java, no harness)\n\n"
                + "What reproduce.sh does: one mariadbd per pod on 127.0.0.1 (ports BASE_PORT, BASE_PORT+1, ...), each\n"
                + "with the ConfigMap's config of its role and its pod's server-id; the leader starts first, every\n"
                + "follower replicates from it from the leader's binary log position at its start (what a clone of a\n"
                + "leader without data gives); then it prints each follower's replication threads and errors.\n"
                + "What it does NOT do: replay the test's statements or its faults. faults.txt lists them with times;\n"
                + "kill, stop/start replication and delays can be redone by hand against the printed ports (kill -9 a\n"
                + "pid, then start it again with the same command; STOP SLAVE / START SLAVE; MASTER_DELAY), while\n"
                + "network partitions and latency need the harness's proxies and have no plain-process equivalent.\n"
                + (rootPassword ? "\nroot's password: the cluster ran with mysqlsts.rootPassword=random. Its password is\n"
                + "replaced, not written here (others may read this bundle): reproduce.sh's servers have root without a\n"
                + "password, and no file of this bundle holds the cluster's.\n" : "");
    }

    private String script(ClusterSpec spec, String basedir, List<String> serverIds) throws IOException {
        String ids = String.join(" ", serverIds);
        try (InputStream template = ReproductionBundle.class.getResourceAsStream("reproduce.sh")) {
            if (template == null) {
                throw new IOException("the reproduce.sh template is missing from the library's jar");
            }
            return new String(template.readAllBytes(), StandardCharsets.UTF_8)
                    .replace("@NAME@", spec.statefulSetName())
                    .replace("@REPLICAS@", String.valueOf(cluster.replicas()))
                    .replace("@SERVER_IDS@", ids)
                    .replace("@BASEDIR@", basedir)
                    .replace("@LEADER_CONFIG@", spec.leaderConfig().key())
                    .replace("@FOLLOWER_CONFIG@", spec.followerConfig().key());
        }
    }
}
