package dev.mysqlsts.cluster;

import dev.mysqlsts.FaultEvent;
import dev.mysqlsts.MySqlPod;
import dev.mysqlsts.manifest.ClusterSpec;
import dev.mysqlsts.replication.Dialect;
import dev.mysqlsts.replication.Replication;
import dev.mysqlsts.statements.StatementLog;
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
import java.sql.DriverManager;
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
 * history with times, the chaos seed, the statements the test's connections sent ({@link StatementFiles}), the
 * failure, and {@code reproduce.sh}, which starts the same topology (leader, followers replicating from it, the
 * ConfigMap's leader and follower configs, the same server ids) with plain MariaDB programs and replays the statements
 * and the faults it can ({@link ReplayPlan}). What it cannot replay is said in the bundle's README.txt.
 */
final class ReproductionBundle {

    private static final Logger LOG = LoggerFactory.getLogger(ReproductionBundle.class);
    private static final int ERROR_LOG_LINES = 100;

    private final StatefulSetCluster cluster;
    private final Path dir;
    private final String failure;

    private ReproductionBundle(StatefulSetCluster cluster, Path dir, String failure) {
        this.cluster = cluster;
        this.dir = dir.toAbsolutePath();
        this.failure = failure;
    }

    static Path write(StatefulSetCluster cluster, Path dir, String failure) {
        try {
            return new ReproductionBundle(cluster, dir, failure).write();
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
        List<String> details = cluster.faults().record().details();
        List<String> faultLines = new ArrayList<>();
        for (int i = 0; i < history.size(); i++) {
            faultLines.add(history.get(i) + (i < details.size() && !details.get(i).isEmpty() ? " (" + details.get(i) + ")" : ""));
        }
        Files.write(dir.resolve("faults.txt"), history.isEmpty() ? List.of("(no fault in this test)") : faultLines);
        Files.writeString(dir.resolve("failure.txt"), failure.isEmpty()
                ? "(exported on demand with cluster.exportReproduction: no failure recorded)\n" : failure + "\n");
        StatementLog.Snapshot statements = cluster.statements().snapshot();
        long recorded = StatementFiles.write(dir, statements);
        Files.write(dir.resolve("replay.tsv"), ReplayPlan.lines(statements.statements(), history, details,
                cluster.faults().record().markers(), this::ordinalOf));
        Files.writeString(dir.resolve("chaos-seed.txt"), cluster.chaos().replay(cluster)
                .orElse("(no fault schedule ran in this test)") + "\n");
        String basedir = "";
        String version = "";
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
            // the harness's account: the bundle's own reads are not the test's statements
            String url = ((Pod) pod).endpoint().adminJdbcUrl() + "&connectTimeout=10000&socketTimeout=30000";
            try (Connection connection = DriverManager.getConnection(url)) {
                String podVersion = value(connection, "SELECT VERSION()");
                version = version.isEmpty() ? podVersion : version;
                Files.writeString(podDir.resolve("version.txt"), podVersion + "\n");
                serverIds.set(pod.ordinal(), value(connection, "SELECT @@server_id"));
                Files.writeString(podDir.resolve("variables.txt"), rows(connection, "SHOW GLOBAL VARIABLES"));
                basedir = basedir.isEmpty() ? value(connection, "SELECT @@basedir") : basedir;
                // before the replica status, which waits for ever where the replication threads hold their locks
                Files.writeString(podDir.resolve("error-log-tail.txt"), errorLogTail(value(connection, "SELECT @@log_error")));
                Files.writeString(podDir.resolve("replica-status.txt"), pod.ordinal() == leader
                        ? "leader; binary log: " + rows(connection, Replication.dialect(connection).showSourceStatus())
                        : cluster.replicaStatus(pod.ordinal()).summary() + "\n");
            } catch (SQLException | RuntimeException e) {
                Files.writeString(podDir.resolve("unreachable.txt"), pod.name() + " could not be read at " + Instant.now()
                        + ": " + e.getMessage() + "\n");
            }
        }
        Files.writeString(dir.resolve("README.txt"), readme(spec, !cluster.statefulSet().endpoint(0).userPassword().isEmpty(),
                recorded, statements));
        Path script = dir.resolve("reproduce.sh");
        Files.writeString(script, script(spec, basedir, serverIds, version));
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        LOG.info("cluster {}: reproduction bundle written to {}", cluster.statefulSet().name(), dir);
        return dir;
    }

    /** The pod a recorded connection reached; 0 (the script's leader) for an endpoint. */
    private int ordinalOf(String pod) {
        for (int n = 0; n < cluster.replicas(); n++) {
            if (cluster.statefulSet().spec().podName(n).equals(pod)) {
                return n;
            }
        }
        return 0;
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

    private String readme(ClusterSpec spec, boolean rootPassword, long recorded, StatementLog.Snapshot statements) {
        return "Reproduction bundle of cluster " + cluster.statefulSet().name() + " (StatefulSet "
                + spec.statefulSetName() + ", " + cluster.replicas() + " pods), written " + Instant.now() + "\n\n"
                + "manifests.yaml        the manifests the cluster was made from (" + spec.source() + ")\n"
                + "server-config/        the ConfigMap's leader (" + spec.leaderConfig().key() + ") and follower ("
                + spec.followerConfig().key() + ") server configs\n"
                + "pods/<pod>/           version.txt, variables.txt (SHOW GLOBAL VARIABLES: the options in force),\n"
                + "                      replica-status.txt, error-log-tail.txt (last " + ERROR_LOG_LINES + " lines)\n"
                + "faults.txt            the faults of the current test, with start and end times\n"
                + "chaos-seed.txt        the seed of the fault schedule, if one ran\n"
                + "failure.txt           what the test asserted: its failure (empty on an export on demand)\n"
                + "statements/           what the test's connections sent (" + recorded + " statements"
                + (statements.dropped() > 0 ? "; " + statements.dropped() + " earlier statements dropped, the "
                        + "recording keeps the newest " + statements.capacity() : "") + "): all.tsv ordered by time,\n"
                + "                      one .sql file per connection. The harness's own statements (replication\n"
                + "                      set-up, probes, fault injection, its checks and samplers) are not in it.\n"
                + "replay.tsv            the statements and faults in the order reproduce.sh replays them\n"
                + "reproduce.sh          starts the same topology with plain MariaDB programs and replays\n\n"
                + "What reproduce.sh does: one mariadbd per pod on 127.0.0.1 (ports BASE_PORT, BASE_PORT+1, ...), each\n"
                + "with the ConfigMap's config of its role and its pod's server-id; ordinal 0 is the leader, every\n"
                + "follower replicates from it by binlog file and position from the leader's position at its start.\n"
                + "Then it replays replay.tsv in order: each recorded connection is one `mariadb` client process fed\n"
                + "through a fifo, started at the connection's first statement and ended at its close, so connections\n"
                + "interleave as they did; the gaps between events keep their length up to MAX_GAP_MS (200 ms by\n"
                + "default; TIMING=real keeps every gap). Faults, at their times:\n"
                + "  kill            kill -9, then mariadbd again on the same data directory (as the supervisor);\n"
                + "                  its end (the pod Ready again) waits until the server answers\n"
                + "  killAll         the same for every pod\n"
                + "  deletePod       kill -TERM, wait for the exit, start again\n"
                + "  pause/resume    kill -STOP / kill -CONT\n"
                + "  stopReplication STOP SLAVE, and START SLAVE at its end\n"
                + "  delayReplication CHANGE MASTER TO MASTER_DELAY=<the test's delay>, and 0 at its end\n"
                + "  Before a replication fault (stop, delay, and the cuts below) the replayed clients first run what\n"
                + "  they were sent and the followers catch up (a few seconds at most), as a test usually awaits\n"
                + "  replication first; process faults (kill, pause...) hit whatever is in flight, as in the test.\n"
                + "  isolate, partition, cut (approximated): the harness drops bytes in its proxies; a script has\n"
                + "                  none, so a follower cut off from the leader gets STOP SLAVE IO_THREAD for the\n"
                + "                  fault's duration (the leader isolated: every follower). The test's own\n"
                + "                  connections are not cut (nor were they in the harness). A cut from a follower to\n"
                + "                  the leader, or between two followers, is not replayed.\n"
                + "  NOT replayed:   latency, loss, jitter, bandwidth, the client-path faults (client-*), clockSkew,\n"
                + "                  diskFull, ioErrors, powerCut (no layer to take back unsynced writes),\n"
                + "                  breakReadiness (no proxies, no readiness gate here), and the\n"
                + "                  harness's promote, rebuild and repair: the script says so when it meets one.\n"
                + "A statement sent through an endpoint (cluster.jdbcUrl(), readJdbcUrl(), readConnection()) is\n"
                + "replayed on ordinal 0. The servers start empty: data written before the recording began (another\n"
                + "class on a shared cluster, statements the bound dropped) is missing, and a database chosen with\n"
                + "Connection.setCatalog (not a statement) is not replayed. At the end it waits for the followers to\n"
                + "catch up (30 s at most), prints each follower's replication threads and errors, the row count and\n"
                + "CHECKSUM TABLE of every table on every pod (marking those that differ from the leader), the errors\n"
                + "the replayed statements got, and what the test asserted (failure.txt). A crash-dependent failure\n"
                + "(a kill landing in a narrow window) is replayed with the same faults at the same points, not\n"
                + "forced: it may not show in a given run (run the script again).\n"
                + (rootPassword ? "\nroot's password: the cluster ran with mysqlsts.rootPassword=random. Its password is\n"
                + "replaced, not written here (others may read this bundle): reproduce.sh's servers have root without a\n"
                + "password, and no file of this bundle holds the cluster's.\n" : "");
    }

    /** @param version the servers' {@code SELECT VERSION()}: the script refuses to replay a MySQL cluster on MariaDB */
    private String script(ClusterSpec spec, String basedir, List<String> serverIds, String version) throws IOException {
        boolean mysql = !version.isEmpty() && Dialect.of(version).family() == Dialect.Family.MYSQL;
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
                    .replace("@MYSQL_VERSION@", mysql ? version : "")
                    .replace("@LEADER_CONFIG@", spec.leaderConfig().key())
                    .replace("@FOLLOWER_CONFIG@", spec.followerConfig().key());
        }
    }
}
