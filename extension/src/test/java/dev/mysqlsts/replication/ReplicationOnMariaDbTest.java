package dev.mysqlsts.replication;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mysqlsts.Backend;
import dev.mysqlsts.MySqlCluster;
import dev.mysqlsts.MySqlStatefulSet;
import dev.mysqlsts.ReplicaStatus;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The dialect-aware helpers on real MariaDB followers (LOCAL): what each call changes, read back from the server. */
@MySqlStatefulSet(backend = Backend.LOCAL, replicas = 2)
class ReplicationOnMariaDbTest {

    @Test
    void theServerSaysItIsMariaDbWithGtids(MySqlCluster cluster) {
        Dialect dialect = Replication.dialect(cluster.pod(1).jdbcUrl());
        assertEquals(Dialect.Family.MARIADB, dialect.family());
        assertTrue(dialect.major() >= 10, dialect.toString());
        assertTrue(Replication.gtidModeOn(cluster.pod(1).jdbcUrl()));
    }

    @Test
    void shortenNetTimeoutReplacesTheServersDefaultsAndTheIoThreadRunsAgain(MySqlCluster cluster) {
        String url = cluster.pod(1).jdbcUrl();
        Dialect dialect = Replication.dialect(url);
        Sql.execute(url, Replication.STATEMENT_TIMEOUT, dialect.shortNetTimeout(60, 30, 10)); // mysql:5.7's defaults

        assertEquals("60", variable(url, "slave_net_timeout"));
        Replication.shortenNetTimeout(url);

        assertEquals(Integer.toString(Replication.NET_TIMEOUT_SECONDS), variable(url, "slave_net_timeout"));
        assertEquals(2.0, Double.parseDouble(status(url, "Slave_heartbeat_period")));
        cluster.awaitReplicationCaughtUp(Duration.ofSeconds(30));
        // the IO thread restarted above may still say "Connecting" for a moment
        await().atMost(Duration.ofSeconds(10)).until(() -> Replication.replicaStatus(url).orElseThrow().ioRunning());
    }

    @Test
    void delayIsSetAndRemovedWithTheSqlThreadRunningAfterwards(MySqlCluster cluster) {
        String url = cluster.pod(1).jdbcUrl();
        Replication.delay(url, Duration.ofMillis(2500));
        ReplicaStatus delayed = Replication.replicaStatus(url).orElseThrow();
        assertEquals(3, delayed.sqlDelaySeconds(), "whole seconds, rounded up");
        assertTrue(delayed.sqlRunning());
        assertTrue(delayed.summary().contains("delayed 3 s"), delayed.summary());

        Replication.delay(url, Duration.ZERO);
        assertEquals(0, Replication.replicaStatus(url).orElseThrow().sqlDelaySeconds());
    }

    @Test
    void stopAndStartReplicaAndRestartTheIoThread(MySqlCluster cluster) {
        String url = cluster.pod(1).jdbcUrl();
        Replication.stopReplica(url);
        ReplicaStatus stopped = Replication.replicaStatus(url).orElseThrow();
        assertFalse(stopped.ioRunning());
        assertFalse(stopped.sqlRunning());

        Replication.startReplica(url);
        Replication.restartIoThread(url);
        cluster.awaitReplicationCaughtUp(Duration.ofSeconds(30));
        ReplicaStatus running = Replication.replicaStatus(url).orElseThrow();
        assertTrue(running.sqlRunning());
        assertFalse(running.usingGtid(), "the seed's sidecar replicates by binlog file and position");
    }

    private static String variable(String url, String name) {
        return Sql.rows(url, Replication.STATEMENT_TIMEOUT, "SELECT @@GLOBAL." + name + " AS v").get(0).get("v");
    }

    private static String status(String url, String name) {
        Map<String, String> row = Sql.rows(url, Replication.STATEMENT_TIMEOUT,
                "SHOW GLOBAL STATUS LIKE '" + name + "'").get(0);
        return row.get("Value");
    }
}
