package dev.mysqlsts.local;

import dev.mysqlsts.cluster.StatefulSetCluster;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;

/**
 * A JVM that starts a two-pod LOCAL cluster, prints {@code READY <pid0> <pid1> RUN <run directory> PORTS <ports>},
 * then obeys commands read from its standard input, one a line, each answered with one line:
 * <ul>
 *   <li>{@code restart-held}: makes the next start of every server hang in its init file, kills mysql-1 with
 *       SIGKILL and answers {@code RESTARTING <new pid>} once the supervisor started its successor (which now
 *       hangs, so the JVM is in the middle of a crash restart);</li>
 *   <li>{@code work <token>}: writes the token on mysql-0, waits until mysql-1 applied it and answers
 *       {@code WORKED <every token mysql-1 holds>};</li>
 *   <li>{@code close}: closes the cluster, answers {@code CLOSED} and exits 0.</li>
 * </ul>
 * {@link ProcessLeakTest} and {@link TwoJvmsTest} drive it.
 */
public final class ClusterInChildJvm {

    private ClusterInChildJvm() {
    }

    public static void main(String[] args) throws Exception {
        LocalStatefulSet cluster = LocalClusters.start(2, "mysqlsts.clone", "logical");
        List<Integer> ports = new ArrayList<>();
        for (int ordinal = 0; ordinal < 2; ordinal++) {
            ports.add(cluster.pod(ordinal).serverAddress().getPort());
            ports.add(cluster.endpoint(ordinal).port());
        }
        ports.add(cluster.replicationAddress(1, 0).port());
        answer("READY " + cluster.pid(0) + " " + cluster.pid(1) + " RUN " + ProcessReaper.get().runDirectory()
                + " PORTS " + ports.stream().map(String::valueOf).collect(Collectors.joining(",")));
        BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String command = commands.readLine(); command != null; command = commands.readLine()) {
            String[] words = command.trim().split(" ");
            switch (words[0]) {
                case "restart-held" -> {
                    Files.writeString(cluster.env().secret().initFile(),
                            "SELECT SLEEP(600);\n", StandardOpenOption.APPEND);
                    long pid = cluster.pid(1);
                    cluster.pod(1).signal("KILL");
                    Awaitility.await("a successor of mysql-1's server (pid " + pid + ")").atMost(Duration.ofSeconds(60))
                            .until(() -> cluster.pid(1) != pid && cluster.pid(1) > 0);
                    answer("RESTARTING " + cluster.pid(1));
                }
                case "work" -> {
                    LocalClusters.execute(cluster, 0, "CREATE DATABASE IF NOT EXISTS app",
                            "CREATE TABLE IF NOT EXISTS app.jvm (token VARCHAR(64) PRIMARY KEY)",
                            "INSERT INTO app.jvm VALUES ('" + words[1] + "')");
                    new StatefulSetCluster(cluster).awaitReplicationCaughtUp();
                    try (Connection follower = DriverManager.getConnection(cluster.endpoint(1).jdbcUrl());
                         Statement sql = follower.createStatement();
                         ResultSet rows = sql.executeQuery("SELECT GROUP_CONCAT(token ORDER BY token) FROM app.jvm")) {
                        rows.next();
                        answer("WORKED " + rows.getString(1));
                    }
                }
                case "close" -> {
                    cluster.close();
                    answer("CLOSED");
                    return;
                }
                default -> answer("UNKNOWN " + command);
            }
        }
        Thread.sleep(Long.MAX_VALUE); // the parent closed our input: wait to be killed, as a hung test JVM would
    }

    private static void answer(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
