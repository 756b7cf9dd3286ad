package dev.mysqlsts.samples.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mysqlsts.Faults;
import dev.mysqlsts.Ledger;
import dev.mysqlsts.LedgerReport;
import dev.mysqlsts.MySqlCluster;
import dev.mysqlsts.MySqlStatefulSet;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scenario of {@link FilePositionReplicationIsNotCrashSafeTest} (the ledger writes while mysql-2 is killed again
 * and again) turned into a reproduction a MariaDB maintainer can run: the bundle's {@code reproduce.sh}, run by bash
 * with a PATH that holds no JDK and nothing of this project, rebuilds the three pods with plain {@code mariadbd},
 * replays the ledger's transactions on the leader and the kills of mysql-2 at their points, and reports every table
 * on every pod.
 * <p>
 * What it shows every time: the topology, the leader's rows (the same count as the cluster's), the kills. What it
 * shows by chance only: the duplicate itself, as in the cluster, since a kill must land between a transaction's
 * commit on the follower and the update of its position ({@code relay-log.info}); this test logs whether this run's
 * replay showed it (a follower whose ledger rows or checksum differ from the leader's, or whose SQL thread stopped)
 * and asserts what is deterministic.
 */
@Tag("chaos-long") // 40-120 s: run with -Pchaos-long
@MySqlStatefulSet(replicas = 3)
class FilePositionReplicationReproducedByScriptTest {

    private static final Logger LOG = LoggerFactory.getLogger(FilePositionReplicationReproducedByScriptTest.class);
    private static final int KILLS = 3;

    @TempDir
    Path dir;

    @Test
    void theScriptRebuildsTheTopologyAndReplaysTheLedgerAndTheKills(Ledger ledger, Faults faults, MySqlCluster cluster)
            throws Exception {
        ledger.start(2);
        awaitApplying(cluster, 20);
        for (int kill = 0; kill < KILLS; kill++) {
            faults.kill(2);
            cluster.awaitReady();
            awaitApplying(cluster, 10);
        }
        LedgerReport report = ledger.stop();
        long leaderRows = Sql.count(cluster.pod(0), "mysqlsts_ledger.writes");
        String basedir = Sql.single(cluster.pod(0), "SELECT @@basedir");

        Path bundle = cluster.exportReproduction(dir.resolve("bundle"));
        String output = runWithoutJava(bundle, basedir);
        LOG.info("reproduce.sh printed:\n{}", output);

        assertTrue(output.contains("mysql-1: pid ") && output.contains("server-id 101")
                && output.contains("mysql-2: pid ") && output.contains("server-id 102"), "the topology: " + output);
        assertEquals(KILLS, count(output, "kill mysql-2: kill -9 "), "every kill of mysql-2, in order: " + output);
        assertEquals(KILLS, count(output, "mysql-2 answers again"), "restarted on its data each time: " + output);
        Matcher leader = Pattern.compile("`mysqlsts_ledger`.`writes` \\| mysql-0: rows (\\d+) ").matcher(output);
        assertTrue(leader.find(), output);
        assertEquals(leaderRows, Long.parseLong(leader.group(1)),
                "the leader applied the ledger's transactions as in the cluster: " + output);
        boolean duplicate = Pattern.compile("`mysqlsts_ledger`.`(writes|counter)` .*mysql-2: [^|]*DIFFERS").matcher(output).find()
                || Pattern.compile("Last_SQL_Errno: (?!0\\b)\\d+").matcher(output).find();
        LOG.info("after {} kills: the cluster's verdict {} (duplicated: {}); the script's replay {}", KILLS, report,
                report.duplicated(), duplicate ? "SHOWED a follower that differs from the leader or stopped"
                        : "showed no duplicate this time (a kill must land in a narrow window)");
    }

    /** Waits until mysql-2 applied some more ledger rows, or stopped replicating. */
    private static void awaitApplying(MySqlCluster cluster, long more) throws SQLException {
        long rows = Sql.count(cluster.pod(2), "mysqlsts_ledger.writes");
        Awaitility.await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() ->
                Sql.count(cluster.pod(2), "mysqlsts_ledger.writes") >= rows + more
                        || cluster.replicaStatus(2).lastSqlErrno() != 0);
    }

    /**
     * Runs {@code reproduce.sh} with an environment of its own: PATH is a directory of links to the programs of
     * /usr/bin, /bin, /usr/sbin and /sbin except a JDK's (whatever resolves into a {@code jvm} directory) and Maven,
     * HOME and TMPDIR are fresh, and MARIADB_BASEDIR is the cluster's server's.
     */
    private String runWithoutJava(Path bundle, String basedir) throws IOException, InterruptedException {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        for (String from : List.of("/usr/sbin", "/usr/bin", "/sbin", "/bin")) {
            if (!Files.isDirectory(Path.of(from))) {
                continue;
            }
            try (Stream<Path> programs = Files.list(Path.of(from))) {
                for (Path program : programs.toList()) {
                    Path link = bin.resolve(program.getFileName().toString());
                    String real = program.toRealPath().toString();
                    if (!Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS) && !real.contains("/jvm/")
                            && !program.getFileName().toString().startsWith("mvn")) {
                        Files.createSymbolicLink(link, program);
                    }
                }
            }
        }
        Path work = dir.resolve("work");
        ProcessBuilder builder = new ProcessBuilder(bin.resolve("bash").toString(), bundle.resolve("reproduce.sh").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("reproduce.out").toFile());
        Map<String, String> env = builder.environment();
        env.clear();
        env.put("PATH", bin.toString());
        env.put("HOME", Files.createDirectories(dir.resolve("home")).toString());
        env.put("TMPDIR", Files.createDirectories(dir.resolve("tmp")).toString());
        env.put("MARIADB_BASEDIR", basedir);
        env.put("BASE_PORT", String.valueOf(freePorts(3)));
        env.put("WORK", work.toString());
        Process script = builder.start();
        boolean finished = script.waitFor(300, TimeUnit.SECONDS);
        if (!finished) {
            script.destroy();
            script.waitFor(60, TimeUnit.SECONDS);
        }
        String output = Files.readString(dir.resolve("reproduce.out"), StandardCharsets.UTF_8);
        assertTrue(finished && script.exitValue() == 0, "reproduce.sh " + (finished ? "exited with " + script.exitValue()
                : "did not finish within 300 s") + ":\n" + output);
        assertEquals(List.of(), ProcessHandle.allProcesses()
                .filter(process -> process.info().commandLine().orElse("").contains(work.toString())).toList(),
                "the script stopped its servers and clients");
        return output;
    }

    private static int count(String text, String part) {
        int count = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
            count++;
        }
        return count;
    }

    /** A port p such that p .. p + n - 1 are free now, below Linux's ephemeral range (32768 and up). */
    private static int freePorts(int n) throws IOException {
        for (int attempt = 0; attempt < 50; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(20000, 32000);
            boolean free = true;
            for (int i = 0; i < n && free; i++) {
                try (ServerSocket socket = new ServerSocket(port + i)) {
                    socket.setReuseAddress(true);
                } catch (IOException taken) {
                    free = false;
                }
            }
            if (free) {
                return port;
            }
        }
        throw new IOException("no " + n + " consecutive free ports between 20000 and 32000");
    }
}
