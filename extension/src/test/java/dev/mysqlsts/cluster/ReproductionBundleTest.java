package dev.mysqlsts.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mysqlsts.Faults;
import dev.mysqlsts.MySqlCluster;
import dev.mysqlsts.MySqlStatefulSet;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code exportReproduction}: the bundle holds what the cluster says about itself (version, variables, replica status,
 * error log, faults) and the test's statements, and its {@code reproduce.sh}, run with bash and nothing of this
 * project, starts the same topology and replays them and the fault: the same rows (same checksum) on the leader, the
 * same duplicate-key error, the follower whose replication was stopped behind.
 */
@MySqlStatefulSet(replicas = 2)
class ReproductionBundleTest {

    @TempDir
    Path dir;

    @Test
    void theBundleDescribesEveryPodAndItsScriptReplaysTheStatementsAndFaults(MySqlCluster cluster, Faults faults)
            throws Exception {
        try (Connection first = cluster.pod(0).connection(); Statement sql = first.createStatement()) {
            sql.execute("CREATE DATABASE repro");
            sql.execute("CREATE TABLE repro.t (id INT PRIMARY KEY, v VARCHAR(40))");
            sql.execute("INSERT INTO repro.t VALUES (1, 'a\\nb\tc \\\\ d'), (2, 'two')"); // newline, tab, backslash
            try (Connection second = cluster.pod(0).connection(); Statement other = second.createStatement()) {
                other.execute("INSERT INTO repro.t VALUES (3, 'three')");
                SQLException duplicate = assertThrows(SQLException.class,
                        () -> other.execute("INSERT INTO repro.t VALUES (3, 'again')"));
                assertEquals(1062, duplicate.getErrorCode());
            }
            cluster.awaitReplicationCaughtUp();
            faults.stopReplication(1);
            sql.execute("INSERT INTO repro.t VALUES (4, 'after the stop')"); // mysql-1 never gets it
        }
        String checksum;
        String version;
        try (Connection connection = cluster.pod(0).connection()) {
            checksum = rows(connection, "CHECKSUM TABLE repro.t").split("\t")[1];
            version = value(connection, "SELECT VERSION()");
        }

        Path bundle = cluster.exportReproduction(dir.resolve("bundle"));

        assertEquals(version, Files.readString(bundle.resolve("pods/mysql-0/version.txt")).trim());
        String status = Files.readString(bundle.resolve("pods/mysql-1/replica-status.txt"));
        assertTrue(status.contains("SQL No"), "the stopped replication shows: " + status);
        assertTrue(Files.readString(bundle.resolve("pods/mysql-1/variables.txt")).contains("server_id\t101\n"));
        assertTrue(Files.readString(bundle.resolve("pods/mysql-0/error-log-tail.txt")).contains("ready for connections"));
        assertTrue(Files.readString(bundle.resolve("faults.txt")).startsWith("stopReplication[1] from "),
                Files.readString(bundle.resolve("faults.txt")));
        assertTrue(Files.readString(bundle.resolve("manifests.yaml")).contains("kind: \"StatefulSet\"")
                || Files.readString(bundle.resolve("manifests.yaml")).contains("kind: StatefulSet"));
        String all = Files.readString(bundle.resolve("statements/all.tsv"));
        List<String> sent = all.lines().filter(line -> !line.startsWith("#") && !line.contains("\tdriver-")).toList();
        assertTrue(sent.size() >= 8 && sent.get(0).contains("\tmysql-0\t") && sent.get(0).endsWith("\tok\tCREATE DATABASE repro"),
                "the test's statements, in order, with connection and pod:\n" + all);
        assertTrue(all.contains("\tfailed\tINSERT INTO repro.t VALUES (3, 'again')"), "the duplicate failed:\n" + all);
        assertTrue(all.contains("(1, 'a\\\\nb\\tc \\\\\\\\ d')"), "escaped on one line:\n" + all);
        assertFalse(all.contains("STOP SLAVE") || all.contains("SHOW GLOBAL VARIABLES") || all.contains("@@server_id"),
                "no statement of the harness (its fault, the bundle's own reads):\n" + all);
        try (var files = Files.list(bundle.resolve("statements"))) {
            assertTrue(files.filter(f -> f.toString().endsWith("-mysql-0.sql")).count() >= 3,
                    "one file per connection: the first, the second, the version read");
        }

        Path work = dir.resolve("work");
        String output = run(bundle, work);
        assertTrue(output.contains(version.replaceAll("-log$", "")), "the script ran the same server: " + output);
        assertTrue(output.contains("replay +") && output.contains("stopReplication mysql-1: STOP SLAVE"),
                "the fault is replayed: " + output);
        assertTrue(output.contains("errors the replayed statements got: 1 ERROR 1062;"),
                "the duplicate fails in the replay too, and nothing else does: " + output);
        assertTrue(output.contains("`repro`.`t` | mysql-0: rows 4 checksum " + checksum + " | mysql-1: rows 3 "),
                "the leader holds the test's rows (checksum " + checksum + " as in the cluster), the stopped follower "
                        + "misses the last: " + output);
        assertTrue(output.contains("(DIFFERS from mysql-0)") && output.contains("Slave_SQL_Running: No"), output);
        assertTrue(output.contains("exported on demand"), "what the test asserted: nothing here: " + output);
        assertEquals(List.of(), ProcessHandle.allProcesses()
                .filter(process -> process.info().commandLine().orElse("").contains(work.toString())).toList(),
                "the script stopped its servers and clients");
        assertFalse(Files.exists(work.resolve("mysql-0")) || Files.exists(work.resolve("replay")),
                "the script removed what it made");
    }

    private String run(Path bundle, Path work) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder("bash", bundle.resolve("reproduce.sh").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("reproduce.out").toFile());
        builder.environment().put("BASE_PORT", String.valueOf(twoFreePorts()));
        builder.environment().put("WORK", work.toString());
        Process script = builder.start();
        boolean finished = script.waitFor(180, TimeUnit.SECONDS);
        if (!finished) {
            script.destroy();
        }
        String output = Files.readString(dir.resolve("reproduce.out"), StandardCharsets.UTF_8);
        assertTrue(finished && script.exitValue() == 0, "reproduce.sh " + (finished ? "exited with " + script.exitValue()
                : "did not finish within 180 s") + ":\n" + output);
        return output;
    }

    private static String rows(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getString(1) + "\t" + rows.getString(2);
        }
    }

    private static String value(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getString(1);
        }
    }

    /**
     * A port p such that p and p + 1 are free now, below Linux's ephemeral range (32768 and up), where the kernel
     * would hand p + 1 to the next outgoing connection of another test.
     */
    private static int twoFreePorts() throws IOException {
        for (int attempt = 0; attempt < 50; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(20000, 32000);
            try (ServerSocket first = new ServerSocket(port); ServerSocket second = new ServerSocket(port + 1)) {
                return port;
            } catch (IOException taken) {
                // try another pair
            }
        }
        throw new IOException("no two consecutive free ports between 20000 and 32000");
    }
}
