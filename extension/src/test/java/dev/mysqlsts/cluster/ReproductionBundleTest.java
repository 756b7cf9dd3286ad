package dev.mysqlsts.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
 * error log, faults), and its {@code reproduce.sh}, run with bash and nothing of this project, starts the same
 * topology: a leader and a follower that replicates from it.
 */
@MySqlStatefulSet(replicas = 2)
class ReproductionBundleTest {

    @TempDir
    Path dir;

    @Test
    void theBundleDescribesEveryPodAndItsScriptRebuildsTheTopology(MySqlCluster cluster, Faults faults) throws Exception {
        faults.stopReplication(1);

        Path bundle = cluster.exportReproduction(dir.resolve("bundle"));

        String version;
        try (Connection connection = cluster.pod(1).connection()) {
            version = value(connection, "SELECT VERSION()");
        }
        assertEquals(version, Files.readString(bundle.resolve("pods/mysql-1/version.txt")).trim());
        String status = Files.readString(bundle.resolve("pods/mysql-1/replica-status.txt"));
        assertTrue(status.contains("SQL No"), "the stopped replication shows: " + status);
        assertTrue(Files.readString(bundle.resolve("pods/mysql-1/variables.txt")).contains("server_id\t101\n"));
        assertTrue(Files.readString(bundle.resolve("pods/mysql-0/error-log-tail.txt")).contains("ready for connections"));
        assertTrue(Files.readString(bundle.resolve("faults.txt")).startsWith("stopReplication[1] from "),
                Files.readString(bundle.resolve("faults.txt")));
        assertTrue(Files.readString(bundle.resolve("manifests.yaml")).contains("kind: \"StatefulSet\"")
                || Files.readString(bundle.resolve("manifests.yaml")).contains("kind: StatefulSet"));

        Path work = dir.resolve("work");
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
        assertTrue(output.contains(version.replaceAll("-log$", "")), "the script ran the same server: " + output);
        assertTrue(output.contains("mysql-1 replication:") && output.contains("Slave_IO_Running: Yes")
                && output.contains("Slave_SQL_Running: Yes"), "mysql-1 replicates from mysql-0:\n" + output);
        assertTrue(output.contains("stopReplication[1] from "), "the faults are listed: " + output);
        assertEquals(List.of(), ProcessHandle.allProcesses()
                .filter(process -> process.info().commandLine().orElse("").contains(work.toString())).toList(),
                "the script stopped its servers");
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
