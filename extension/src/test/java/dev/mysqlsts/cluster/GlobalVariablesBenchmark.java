package dev.mysqlsts.cluster;

import dev.mysqlsts.backend.RunningStatefulSet;
import dev.mysqlsts.backend.Settings;
import dev.mysqlsts.local.LocalBackend;
import dev.mysqlsts.manifest.ManifestLoader;
import dev.mysqlsts.replication.Replication;
import dev.mysqlsts.replication.Sql;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Prints what setting back the global variables costs per pod between two tests on a 3-pod LOCAL cluster: the read
 * before the test ({@link GlobalVariables#snapshot}), the read and comparison after it when the test changed nothing,
 * and when it changed one variable per pod, with the connect and the {@code SHOW GLOBAL VARIABLES} alone for
 * comparison, and the CPU time the test JVM spent (which the machine's load does not inflate as much as wall time). Not part of the suite (its name does not end in Test):
 * {@code ./mvnw -B -o -q -pl extension test -Dtest=GlobalVariablesBenchmark -Dsurefire.failIfNoSpecifiedTests=false}.
 */
class GlobalVariablesBenchmark {

    @Test
    void costPerPod() throws SQLException {
        int rounds = Integer.getInteger("benchmark.rounds", 50);
        try (RunningStatefulSet cluster = new LocalBackend().start(ManifestLoader.load("", 3), Settings.systemProperties())) {
            GlobalVariables globals = new GlobalVariables(cluster);
            int pods = cluster.replicas();
            double[] snapshot = new double[rounds];
            double[] unchanged = new double[rounds];
            double[] oneChanged = new double[rounds];
            double[] connect = new double[rounds];
            double[] show = new double[rounds];
            double[] cpu = new double[rounds];
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            int variables = 0;
            for (int round = 0; round < rounds; round++) {
                long started = System.nanoTime();
                long cpuStarted = threads.getCurrentThreadCpuTime();
                globals.snapshot("round " + round);
                snapshot[round] = millis(started) / pods;
                started = System.nanoTime();
                globals.restore("round " + round);
                unchanged[round] = millis(started) / pods;
                cpu[round] = (threads.getCurrentThreadCpuTime() - cpuStarted) / 1e6 / pods;

                globals.snapshot("round " + round);
                for (int ordinal = 0; ordinal < pods; ordinal++) {
                    Sql.execute(cluster.endpoint(ordinal).adminJdbcUrl(), Replication.STATEMENT_TIMEOUT,
                            "SET GLOBAL max_connections = " + (100 + round));
                }
                started = System.nanoTime();
                globals.restore("round " + round);
                oneChanged[round] = millis(started) / pods;

                started = System.nanoTime();
                try (Connection connection = Sql.connect(cluster.endpoint(0).adminJdbcUrl(), Replication.STATEMENT_TIMEOUT)) {
                    connect[round] = millis(started);
                    started = System.nanoTime();
                    variables = Sql.rows(connection, "SHOW GLOBAL VARIABLES").size();
                    show[round] = millis(started);
                }
            }
            System.out.printf("global variables, %d rounds, %d pods, %d variables per pod (ms per pod: median / p90 / max)%n",
                    rounds, pods, variables);
            print("before each test (connect + SHOW GLOBAL VARIABLES)", snapshot);
            print("after a test that changed nothing (connect + SHOW + compare)", unchanged);
            print("after a test that changed max_connections (+ SET GLOBAL, read again)", oneChanged);
            print("  of which the connect alone", connect);
            print("  of which SHOW GLOBAL VARIABLES alone", show);
            print("test JVM's CPU time for the read before and the read and compare after", cpu);
        }
    }

    private static double millis(long since) {
        return (System.nanoTime() - since) / 1e6;
    }

    private static void print(String what, double[] figures) {
        double[] sorted = figures.clone();
        Arrays.sort(sorted);
        System.out.printf("  %-72s %6.2f / %6.2f / %6.2f%n", what, sorted[sorted.length / 2],
                sorted[(int) (sorted.length * 0.9)], sorted[sorted.length - 1]);
    }
}
