package dev.mysqlsts;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The running StatefulSet of a test class, injected as a test method parameter.
 *
 * <pre>{@code
 * @Test
 * void followerSeesLeaderWrites(MySqlCluster cluster) throws SQLException {
 *     try (Connection c = cluster.leader().connection()) { c.createStatement().execute("CREATE DATABASE shop"); }
 *     cluster.awaitReplicationCaughtUp();
 * }
 * }</pre>
 */
public interface MySqlCluster {

    /** The number of pods the StatefulSet has now. */
    int replicas();

    /** The pod with this ordinal; an {@link IllegalArgumentException} names the valid range otherwise. */
    MySqlPod pod(int ordinal);

    /** All pods in ordinal order. */
    List<MySqlPod> pods();

    /** The replication source: ordinal 0, unless {@link #promote(int)} made another pod the source. */
    MySqlPod leader();

    /** Every pod but the leader, in ordinal order. */
    List<MySqlPod> followers();

    /** The failure-injection API of this cluster. */
    Faults faults();

    /**
     * Changes the number of pods as the StatefulSet controller does: new ordinals one by one, each cloned from
     * the previous and started only when every pod is Ready (it halts with an error naming the pod that is not);
     * removed ordinals from the highest down. A pod that comes back keeps its data, as its PVC does.
     */
    void scale(int replicas);

    /**
     * A connection to any Ready pod, as a client of the {@code mysql-read} Service gets: pods that fail their
     * readiness probe are skipped. The caller closes it.
     */
    java.sql.Connection readConnection();

    /**
     * The writer endpoint, for the application's config: one host:port, stable for the cluster's life, whose each
     * new connection goes to the leader of that moment (it follows {@link #promote(int)}). The URL carries the
     * harness's connect timeout ({@code mysqlsts.connectTimeout}) and, when set, its socket timeout.
     *
     * <pre>{@code HikariConfig config = new HikariConfig(); config.setJdbcUrl(cluster.jdbcUrl());}</pre>
     */
    String jdbcUrl();

    /**
     * The read Service ({@code mysql-read}) as a URL: one host:port, stable for the cluster's life, whose each new
     * connection goes to a Ready pod, in turn; a pod that fails its readiness probe gets none.
     */
    String readJdbcUrl();

    /**
     * Connector/J's replication URL: the writer endpoint first, then each follower's own address, so that a
     * connection set read-only ({@code setReadOnly(true)}) reads from a follower and a read-write one writes on the
     * leader. The followers are those of the moment this is called.
     */
    String replicationJdbcUrl();

    /** The follower's replication state; an error for the leader, which is no replica. */
    ReplicaStatus replicaStatus(int ordinal);

    /**
     * Waits for replication to catch up, then compares a checksum of every user table on every pod; fails
     * naming each table and the pods whose contents differ from the leader's.
     */
    void assertConsistent();

    /**
     * Makes the follower the replication source (fail-over): its server restarts with the leader's config
     * (binary log on, writes allowed), every other pod, the old leader included, replicates from it by GTID.
     * The result names the transactions any pod had that the new source lacks.
     */
    Promotion promote(int ordinal);

    /**
     * What deleting a pod and its volume claim does in Kubernetes: the pod's data is thrown away and it comes back
     * under the same name, cloned from the previous ordinal and replicating from the leader; returns once it is
     * Ready. The way out of a diverged or broken follower. The leader is refused.
     *
     * <pre>{@code cluster.rebuild(2);}</pre>
     */
    void rebuild(int ordinal);

    /** The write workload and checker of the current test method (see {@link Ledger}). */
    Ledger ledger();

    /** Waits until every pod passes its readiness probe, or fails naming the pods that do not. */
    void awaitReady();

    /** Waits, up to 60 seconds, until every follower has applied everything the leader has written. */
    void awaitReplicationCaughtUp();

    /**
     * Waits until every follower has applied everything the leader had written when this was called; on
     * timeout the error shows each follower's position and replica status.
     */
    void awaitReplicationCaughtUp(Duration timeout);

    /**
     * Writes a reproduction bundle into {@code directory} (made if missing) and returns it: the manifests, the
     * server configs, per pod its version, variables, replica status and error log tail, the fault history with
     * times, the chaos seed, the statements the test's connections sent, and a {@code reproduce.sh} that starts the
     * same topology with plain MariaDB programs and replays the statements and the faults it can (its README.txt
     * says which it cannot).
     *
     * <pre>{@code cluster.exportReproduction(Path.of("target", "repro"));   // then: target/repro/reproduce.sh}</pre>
     */
    Path exportReproduction(Path directory);
}
