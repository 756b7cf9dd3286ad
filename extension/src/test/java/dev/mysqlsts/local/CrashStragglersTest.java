package dev.mysqlsts.local;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mysqlsts.Faults;
import dev.mysqlsts.MySqlCluster;
import dev.mysqlsts.MySqlPod;
import dev.mysqlsts.MySqlStatefulSet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * A process that a crashed server left running on its pod's config is killed before the restart: a crashing mariadbd
 * forks itself in its fatal-signal handler to run addr2line, and with the preloaded libraries that fork was seen to
 * hang, outlive its server, hold the pod's port and survive the cluster. Here a stand-in process carries the same
 * {@code --defaults-file} argument.
 */
@MySqlStatefulSet(replicas = 2)
class CrashStragglersTest {

    @Test
    void aProcessOnThePodsConfigIsKilledWhenItsServerIsRestarted(MySqlCluster cluster, Faults faults) throws Exception {
        Path myCnf = Path.of(single(cluster.pod(1), "SELECT @@log_error")).getParent().resolve("my.cnf");
        assertTrue(Files.isRegularFile(myCnf), myCnf + " is the pod's config");
        Process straggler = new ProcessBuilder("bash", "-c", "sleep 300; true", "--defaults-file=" + myCnf).start();
        try {
            faults.kill(1);
            cluster.awaitReady();
            Awaitility.await("the straggler to be killed").atMost(Duration.ofSeconds(10)).until(() -> !straggler.isAlive());
            assertTrue(cluster.pod(1).isReady());
            Path otherPod = Path.of(single(cluster.pod(0), "SELECT @@log_error")).getParent().resolve("my.cnf");
            Process other = new ProcessBuilder("bash", "-c", "sleep 300; true", "--defaults-file=" + otherPod).start();
            try {
                faults.kill(1);
                cluster.awaitReady();
                assertTrue(other.isAlive(), "a process on another pod's config is left alone");
            } finally {
                other.destroyForcibly();
            }
        } finally {
            straggler.destroyForcibly();
        }
    }

    private static String single(MySqlPod pod, String query) throws SQLException {
        try (Connection connection = pod.connection(); Statement sql = connection.createStatement();
             ResultSet row = sql.executeQuery(query)) {
            row.next();
            return row.getString(1);
        }
    }
}
