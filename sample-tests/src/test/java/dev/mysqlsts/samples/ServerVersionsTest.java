package dev.mysqlsts.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mysqlsts.Backend;
import dev.mysqlsts.MySqlCluster;
import dev.mysqlsts.MySqlPod;
import dev.mysqlsts.MySqlStatefulSet;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Experiment: one class run on two MariaDB versions, each with its own cluster, to see where a behaviour changed.
 * {@code server = "{0}"} gives each {@code @ParameterizedClass} invocation the version it runs; the display name
 * ("MariaDB 10.11", "MariaDB 11.4") says which cluster a result came from.
 *
 * <p>The difference checked: MariaDB 11.0 removed InnoDB's change buffer and with it the system variable
 * {@code innodb_change_buffering} (MDEV-29694; "Changes and Improvements in MariaDB 11.0",
 * https://mariadb.com/kb/en/changes-improvements-in-mariadb-11-0/, and "InnoDB Change Buffering": disabled by default
 * from 10.6.7, ignored from 10.9.0, removed in 11.0.0). So a {@code SET GLOBAL innodb_change_buffering} in a
 * deployment script or a ConfigMap works on 10.11 and fails on 11.4; this test shows it on every pod.
 */
// LOCAL: the versions are MariaDB's; on K3S server is the tag of the manifests' mysql image (mysql:10.11 does not exist)
@MySqlStatefulSet(replicas = 2, server = "{0}", backend = Backend.LOCAL)
@ParameterizedClass(name = "MariaDB {0}")
@ValueSource(strings = {"10.11", "11.4"})
class ServerVersionsTest {

    /** MariaDB's ER_UNKNOWN_SYSTEM_VARIABLE. */
    private static final int UNKNOWN_SYSTEM_VARIABLE = 1193;

    @Parameter
    String server;

    @Test
    void everyPodRunsTheVersionOfItsInvocation(MySqlCluster cluster) throws SQLException {
        for (MySqlPod pod : cluster.pods()) {
            String version = query(pod, "SELECT VERSION()");
            assertTrue(version.startsWith(server + "."), pod.name() + " runs " + version + ", not " + server);
        }
    }

    @Test
    void theChangeBufferSettingIsGoneFromMariaDb11(MySqlCluster cluster) throws SQLException {
        for (MySqlPod pod : cluster.pods()) {
            if (server.equals("10.11")) {
                assertEquals("none", query(pod, "SELECT @@GLOBAL.innodb_change_buffering"),
                        pod.name() + ": off by default since 10.6.7, but still there");
            } else {
                SQLException gone = assertThrows(SQLException.class,
                        () -> query(pod, "SELECT @@GLOBAL.innodb_change_buffering"), pod.name());
                assertEquals(UNKNOWN_SYSTEM_VARIABLE, gone.getErrorCode(), pod.name() + ": " + gone.getMessage());
            }
        }
    }

    private static String query(MySqlPod pod, String sql) throws SQLException {
        try (Connection connection = pod.connection(); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getString(1);
        }
    }
}
