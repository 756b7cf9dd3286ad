package dev.mysqlsts.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mysqlsts.FaultEvent;
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
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * faults.clockSkew on real servers (LOCAL: libfaketime preloaded, the default): it moves that pod's clock only, and
 * heal() undoes it. The disk faults are in {@link DiskFaultsTest}.
 */
@MySqlStatefulSet(replicas = 3)
class ClockSkewFaultsTest {

    @BeforeAll
    static void librariesInstalled() {
        // LOCAL preloads Debian's libfaketime (package libfaketime: .ci/run installs it); without it the fault is
        // refused, which ServerPreloadTest covers
        assumeTrue(Files.isRegularFile(Path.of("/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1")),
                "libfaketime is not installed: apt-get install libfaketime");
        assumeTrue(!List.of("disk", "none").contains(System.getProperty("mysqlsts.preload", "auto")),
                "-Dmysqlsts.preload does not preload libfaketime");
    }

    @Test
    void aSkewedClockShiftsNowOnThatPodOnlyAndHealPutsItBack(MySqlCluster cluster, Faults faults) throws SQLException {
        faults.clockSkew(1, Duration.ofSeconds(30));

        assertEquals(30.0, skewSeconds(cluster.pod(1)), 1.0, "mysql-1's NOW() is 30 s ahead of this JVM's clock");
        assertEquals(0.0, skewSeconds(cluster.pod(0)), 1.0, "mysql-0 keeps the host's clock");
        assertEquals(0.0, skewSeconds(cluster.pod(2)), 1.0, "mysql-2 keeps the host's clock");
        faults.clockSkew(2, Duration.ofSeconds(-3600));
        assertEquals(-3600.0, skewSeconds(cluster.pod(2)), 1.0, "a clock can go back too");
        assertEquals(List.of("clock-skew", "clock-skew"), faults.history().stream().map(FaultEvent::kind).toList());

        faults.heal();

        assertEquals(0.0, skewSeconds(cluster.pod(1)), 1.0, "heal() puts mysql-1's clock back");
        assertEquals(0.0, skewSeconds(cluster.pod(2)), 1.0, "heal() puts mysql-2's clock back");
        assertTrue(faults.history().stream().allMatch(event -> event.ended() != null), faults.history().toString());
    }

    @Test
    void anOffsetOfPartSecondsIsRefusedWithTheFix(Faults faults) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> faults.clockSkew(1, Duration.ofMillis(1500)));
        assertTrue(e.getMessage().contains("Duration.ofSeconds(2)"), e.getMessage());
        assertEquals(List.of(), faults.history());
    }

    /** The pod's NOW(6) minus this JVM's clock, in seconds. */
    private static double skewSeconds(MySqlPod pod) throws SQLException {
        try (Connection connection = pod.connection(); Statement sql = connection.createStatement()) {
            long before = System.currentTimeMillis();
            try (ResultSet row = sql.executeQuery("SELECT UNIX_TIMESTAMP(NOW(6))")) {
                row.next();
                long after = System.currentTimeMillis();
                return row.getDouble(1) - (before + after) / 2000.0;
            }
        }
    }
}
