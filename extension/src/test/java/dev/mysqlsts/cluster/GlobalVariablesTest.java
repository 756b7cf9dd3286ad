package dev.mysqlsts.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mysqlsts.backend.RunningStatefulSet;
import dev.mysqlsts.backend.Settings;
import dev.mysqlsts.local.LocalBackend;
import dev.mysqlsts.manifest.ManifestLoader;
import dev.mysqlsts.replication.Replication;
import dev.mysqlsts.replication.Sql;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A frozen pod costs the bound, not a hang, and the other pods' variables are still put back; what cannot be set back
 * is named in a WARN line.
 */
class GlobalVariablesTest {

    private static final Duration BOUND = Duration.ofSeconds(2);

    @Test
    void aFrozenPodIsSkippedWithinTheBound() {
        try (RunningStatefulSet cluster = new LocalBackend().start(ManifestLoader.load("", 3), Settings.systemProperties())) {
            GlobalVariables globals = new GlobalVariables(cluster, BOUND);
            String manifests = sqlMode(cluster, 0);

            // frozen after the test began: its variables cannot be put back, the others' are
            globals.snapshot("frozenAfter");
            setAnsiQuotes(cluster, 0);
            setAnsiQuotes(cluster, 2);
            cluster.faults().pause(2);
            assertTimeoutPreemptively(BOUND.multipliedBy(5), () -> globals.restore("frozenAfter"));
            cluster.faults().resume(2);
            assertEquals(manifests, sqlMode(cluster, 0));
            assertEquals("ANSI_QUOTES", sqlMode(cluster, 2));

            // frozen as the test began: nothing read there, nothing put back there
            cluster.faults().pause(1);
            assertTimeoutPreemptively(BOUND.multipliedBy(5), () -> globals.snapshot("frozenBefore"));
            cluster.faults().resume(1);
            setAnsiQuotes(cluster, 0);
            setAnsiQuotes(cluster, 1);
            globals.restore("frozenBefore");
            assertEquals(manifests, sqlMode(cluster, 0));
            assertEquals("ANSI_QUOTES", sqlMode(cluster, 1));
        }
    }

    @Test
    void whatCannotBeSetBackIsNamedInAWarning() {
        try (RunningStatefulSet cluster = new LocalBackend().start(ManifestLoader.load("", 2), Settings.systemProperties())) {
            GlobalVariables globals = new GlobalVariables(cluster, BOUND);
            String manifests = sqlMode(cluster, 1);
            globals.snapshot("restartsAsLeader");
            cluster.restartInRole(1, true); // as a promotion does: the leader's config, log-bin on
            setAnsiQuotes(cluster, 1);

            String log = stderrOf(() -> globals.restore("restartsAsLeader"));

            assertEquals(manifests, sqlMode(cluster, 1));
            assertTrue(log.lines().anyMatch(line -> line.contains("[WARN] GlobalVariables - mysql-1: global variables not "
                    + "put back after restartsAsLeader: read-only at run time") && line.contains("log_bin ON -> OFF")), log);
            assertTrue(log.lines().anyMatch(line -> line.contains("[INFO] GlobalVariables - mysql-1: global variables put "
                    + "back after restartsAsLeader") && line.contains("sql_mode ANSI_QUOTES -> " + manifests)), log);
        }
    }

    /** What slf4j-simple writes (to System.err, looked up at every line) while {@code action} runs. */
    private static String stderrOf(Runnable action) {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            action.run();
        } finally {
            System.setErr(original);
        }
        String text = captured.toString(StandardCharsets.UTF_8);
        original.print(text);
        return text;
    }

    private static void setAnsiQuotes(RunningStatefulSet cluster, int ordinal) {
        Sql.execute(cluster.endpoint(ordinal).jdbcUrl(), Replication.STATEMENT_TIMEOUT, "SET GLOBAL sql_mode = 'ANSI_QUOTES'");
    }

    private static String sqlMode(RunningStatefulSet cluster, int ordinal) {
        return Sql.rows(cluster.endpoint(ordinal).jdbcUrl(), Replication.STATEMENT_TIMEOUT, "SELECT @@GLOBAL.sql_mode AS m")
                .get(0).get("m");
    }
}
