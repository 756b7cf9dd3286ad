package dev.mysqlsts.samples.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mysqlsts.Faults;
import dev.mysqlsts.MySqlCluster;
import dev.mysqlsts.MySqlStatefulSet;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Chaos experiment: while a client writes to the leader without pause, a follower crashes twice. Hypothesis:
 * no committed write is lost, and the follower ends with exactly the leader's rows.
 */
@MySqlStatefulSet(replicas = 3)
class FollowerCrashUnderContinuousWritesTest {

    @Test
    void noCommittedWriteIsLostWhenAFollowerCrashesUnderLoad(MySqlCluster cluster, Faults faults) throws Exception {
        Sql.run(cluster.leader(), "CREATE DATABASE workload", "CREATE TABLE workload.writes (id INT PRIMARY KEY)");
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicInteger committed = new AtomicInteger();
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            try (Connection leader = cluster.leader().connection(); Statement sql = leader.createStatement()) {
                while (writing.get() && committed.get() < 5_000) {
                    sql.execute("INSERT INTO workload.writes VALUES (" + (committed.get() + 1) + ")");
                    committed.incrementAndGet();
                }
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });

        faults.kill(2);
        cluster.awaitReady();
        faults.kill(2);
        cluster.awaitReady();
        writing.set(false);
        writer.join();

        cluster.awaitReplicationCaughtUp();
        assertEquals(committed.get(), Sql.count(cluster.pod(2), "workload.writes"));
        cluster.assertConsistent();
    }
}
