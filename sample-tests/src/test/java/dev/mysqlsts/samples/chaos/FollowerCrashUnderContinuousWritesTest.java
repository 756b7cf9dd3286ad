package dev.mysqlsts.samples.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mysqlsts.Faults;
import dev.mysqlsts.MySqlCluster;
import dev.mysqlsts.MySqlStatefulSet;
import dev.mysqlsts.ReplicaStatus;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chaos experiment: a follower crashes (SIGKILL) again and again while a client writes to the leader without
 * pause. Finding: the manifests' sidecar replicates by binlog file and position, and MariaDB records a
 * follower's applied position in {@code relay-log.info}, outside the transaction: a crash between the two
 * makes the restarted follower apply a transaction again and stop with error 1062 (duplicate key). The
 * experiment reproduces that, repairs the follower by skipping what it had applied already, and checks that
 * no committed write was lost anywhere.
 */
@MySqlStatefulSet(replicas = 3)
class FollowerCrashUnderContinuousWritesTest {

    private static final Logger LOG = LoggerFactory.getLogger(FollowerCrashUnderContinuousWritesTest.class);
    private static final int DUPLICATE_KEY = 1062;

    @Test
    void crashesUnderLoadBreakFilePositionReplicationUntilRepairedAndLoseNoWrite(MySqlCluster cluster, Faults faults)
            throws Exception {
        Sql.run(cluster.leader(), "CREATE DATABASE workload", "CREATE TABLE workload.writes (id INT PRIMARY KEY)");
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicInteger committed = new AtomicInteger();
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            try (Connection leader = cluster.leader().connection(); Statement sql = leader.createStatement()) {
                while (writing.get()) {
                    sql.execute("INSERT INTO workload.writes VALUES (" + (committed.get() + 1) + ")");
                    committed.incrementAndGet();
                }
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });

        int crashes = 0;
        int duplicates = 0;
        while (crashes < 30 && duplicates == 0) {
            faults.kill(2);
            crashes++;
            cluster.awaitReady();
            Thread.sleep(200);
            duplicates = cluster.replicaStatus(2).lastSqlErrno() == DUPLICATE_KEY ? 1 : 0;
        }
        writing.set(false);
        writer.join();
        LOG.info("{} crashes of mysql-2 under load; error 1062 after the last: {}", crashes, duplicates == 1);
        assertEquals(1, duplicates, "the file/position replication of the manifests is not crash-safe: within "
                + crashes + " crashes a restarted follower applies a transaction twice");

        // the repair an operator makes: skip the events the follower had applied before it crashed
        ReplicaStatus status = cluster.replicaStatus(2);
        while (status.lastSqlErrno() == DUPLICATE_KEY) {
            Sql.run(cluster.pod(2), "STOP SLAVE", "SET GLOBAL sql_slave_skip_counter = 1", "START SLAVE");
            status = Awaitility.await().atMost(Duration.ofSeconds(10))
                    .until(() -> cluster.replicaStatus(2), s -> s.sqlRunning() || s.lastSqlErrno() != 0);
        }

        cluster.awaitReplicationCaughtUp();
        assertEquals(committed.get(), Sql.count(cluster.leader(), "workload.writes"));
        assertEquals(committed.get(), Sql.count(cluster.pod(2), "workload.writes"));
        cluster.assertConsistent();
    }
}
