package dev.mysqlsts.faults;

import static dev.mysqlsts.faults.Rows.execute;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mysqlsts.Faults;
import dev.mysqlsts.MySqlCluster;
import dev.mysqlsts.MySqlPod;
import dev.mysqlsts.MySqlStatefulSet;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * What a test changes with {@code SET GLOBAL} is set back before the next test, on every pod, while the class's own
 * settings ({@code @BeforeAll}) are kept, also on pods that a crash or a switch-over restarted from their config.
 * The manifests give the leader a {@code sql-mode} and the followers {@code max-connections=42}.
 */
@MySqlStatefulSet(replicas = 3, manifests = "classpath:manifests-fixtures/global-settings")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GlobalVariablesBetweenTestsTest {

    private static final String MANIFEST_SQL_MODE = "STRICT_ALL_TABLES,NO_ENGINE_SUBSTITUTION";
    /** A text with a quote and a backslash: set back exactly, whatever sql_mode the test left. */
    private static final String CLASS_INIT_CONNECT = "SET @origin = 'the class''s \\\\ setting'";

    @BeforeAll
    static void classSettings(MySqlCluster cluster) throws SQLException {
        for (MySqlPod pod : cluster.pods()) {
            execute(pod, "SET GLOBAL long_query_time = 2.5",
                    "SET GLOBAL init_connect = '" + CLASS_INIT_CONNECT.replace("\\", "\\\\").replace("'", "''") + "'");
        }
        // MariaDB changes the parallel applier only while replication is stopped (error 1198)
        execute(cluster.pod(2), "STOP SLAVE", "SET GLOBAL slave_parallel_threads = 2", "START SLAVE");
    }

    @Test
    @Order(1)
    void changesSettingsOnEveryPod(MySqlCluster cluster) throws SQLException {
        execute(cluster.pod(0), "SET GLOBAL sql_mode = 'ANSI_QUOTES'", "SET GLOBAL long_query_time = 0.1");
        execute(cluster.pod(1), "SET GLOBAL max_connections = 17", "SET GLOBAL init_connect = ''");
        execute(cluster.pod(2), "STOP SLAVE", "SET GLOBAL slave_parallel_threads = 0", "START SLAVE");
        assertEquals("ANSI_QUOTES", global(cluster.pod(0), "sql_mode"));
        assertEquals("17", global(cluster.pod(1), "max_connections"));
    }

    @Test
    @Order(2)
    void findsTheManifestsValuesAndTheClassSettings(MySqlCluster cluster) throws SQLException {
        assertEquals(MANIFEST_SQL_MODE, global(cluster.pod(0), "sql_mode"));
        assertEquals("42", global(cluster.pod(1), "max_connections"));
        assertClassSettings(cluster);
    }

    @Test
    @Order(3)
    void killsTheFollowerThatCarriesAClassSetting(Faults faults, MySqlCluster cluster) {
        faults.kill(2);
        // restarted from its config, the server has lost every SET GLOBAL, the class's too
        Awaitility.await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
                .until(() -> "0".equals(global(cluster.pod(2), "slave_parallel_threads")));
    }

    @Test
    @Order(4)
    void findsTheClassSettingsBackOnTheRestartedFollower(MySqlCluster cluster) throws SQLException {
        assertClassSettings(cluster);
        assertTrue(cluster.replicaStatus(2).sqlRunning(), cluster.replicaStatus(2).summary());
    }

    @Test
    @Order(5)
    void promotesOrdinalOne(MySqlCluster cluster) throws SQLException {
        cluster.promote(1); // mysql-1 restarts with the leader's config; the repair's switch-over then restarts mysql-0
        assertEquals(MANIFEST_SQL_MODE, global(cluster.pod(1), "sql_mode"));
    }

    @Test
    @Order(6)
    void findsEveryPodAsTheClassLeftItAfterTheSwitchOverBack(MySqlCluster cluster) throws SQLException {
        assertEquals(0, cluster.leader().ordinal());
        assertEquals(MANIFEST_SQL_MODE, global(cluster.pod(0), "sql_mode"));
        // mysql-1 still runs the leader's config file, but its dynamic settings are what the test began with
        assertEquals("42", global(cluster.pod(1), "max_connections"));
        assertEquals("1", global(cluster.pod(1), "read_only"));
        assertClassSettings(cluster);
    }

    private static void assertClassSettings(MySqlCluster cluster) throws SQLException {
        for (MySqlPod pod : cluster.pods()) {
            assertEquals(2.5, Double.parseDouble(global(pod, "long_query_time")), pod.name());
            assertEquals(CLASS_INIT_CONNECT, global(pod, "init_connect"), pod.name());
        }
        assertEquals("2", global(cluster.pod(2), "slave_parallel_threads"));
    }

    private static String global(MySqlPod pod, String variable) throws SQLException {
        try (Connection connection = pod.connection(); Statement sql = connection.createStatement();
             ResultSet row = sql.executeQuery("SELECT @@GLOBAL." + variable)) {
            row.next();
            return row.getString(1);
        }
    }
}
