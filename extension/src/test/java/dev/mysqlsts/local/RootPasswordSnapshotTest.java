package dev.mysqlsts.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mysqlsts.backend.PodEndpoint;
import dev.mysqlsts.cluster.StatefulSetCluster;
import dev.mysqlsts.replication.Sql;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A snapshot carries the {@code mysql.*} tables of the cluster that made it, root's password included: a cluster
 * restored from it sets its own root password (random or empty) at every server start, whichever the snapshot had.
 * Each test has a cache directory of its own, so the first cluster makes the snapshot the second one restores.
 */
class RootPasswordSnapshotTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @TempDir
    Path cache;

    @Test
    void aSnapshotMadeWithAnEmptyRootPasswordRestoresIntoAClusterWithARandomOne() throws Exception {
        LocalClusters.start(2, CacheDirectory.PROPERTY, cache.toString()).close();
        LocalStatefulSet cluster = LocalClusters.start(2, CacheDirectory.PROPERTY, cache.toString(),
                "mysqlsts.rootPassword", "random");
        try {
            assertRestored(cluster);
            String password = cluster.endpoint(0).userPassword();
            assertFalse(password.isEmpty());
            for (int ordinal = 0; ordinal < 2; ordinal++) {
                PodEndpoint endpoint = cluster.endpoint(ordinal);
                SQLException refused = assertThrows(SQLException.class, () -> DriverManager.getConnection(
                        withoutRootPassword(endpoint)), endpoint.name() + " let root in without a password");
                assertEquals(1045, refused.getErrorCode());
            }
            assertReplicatesAWrite(cluster);
        } finally {
            cluster.close();
        }
    }

    @Test
    void aSnapshotMadeWithARandomRootPasswordRestoresIntoAClusterWithAnEmptyOne() throws Exception {
        LocalClusters.start(2, CacheDirectory.PROPERTY, cache.toString(), "mysqlsts.rootPassword", "random").close();
        LocalStatefulSet cluster = LocalClusters.start(2, CacheDirectory.PROPERTY, cache.toString());
        try {
            assertRestored(cluster);
            for (int ordinal = 0; ordinal < 2; ordinal++) {
                assertEquals("", cluster.endpoint(ordinal).userPassword());
                try (Connection c = DriverManager.getConnection(withoutRootPassword(cluster.endpoint(ordinal)))) {
                    assertTrue(c.isValid(2), cluster.endpoint(ordinal).name() + ": root without a password");
                }
            }
            assertReplicatesAWrite(cluster);
        } finally {
            cluster.close();
        }
    }

    private static void assertRestored(LocalStatefulSet cluster) {
        String origin = cluster.startPhases().get(1).origin();
        assertTrue(origin.startsWith("restored from a snapshot"), origin);
    }

    /** A write on the leader reaches the follower: its replication logs in as root with this cluster's password. */
    private static void assertReplicatesAWrite(LocalStatefulSet cluster) throws SQLException {
        LocalClusters.execute(cluster, 0, "CREATE DATABASE after_restore");
        new StatefulSetCluster(cluster).awaitReplicationCaughtUp();
        assertEquals(1, Sql.rows(cluster.endpoint(1).jdbcUrl(), TIMEOUT, "SHOW DATABASES LIKE 'after_restore'").size(),
                "mysql-1 has the leader's write");
    }

    private static String withoutRootPassword(PodEndpoint endpoint) {
        return new PodEndpoint(endpoint.ordinal(), endpoint.name(), endpoint.host(), endpoint.port(), endpoint.adminUser())
                .jdbcUrl();
    }
}
