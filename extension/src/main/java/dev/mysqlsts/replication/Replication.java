package dev.mysqlsts.replication;

import static org.apiguardian.api.API.Status.INTERNAL;

import dev.mysqlsts.ReplicaStatus;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apiguardian.api.API;

/**
 * The replication statements the harness runs. Each method that takes a URL asks the server its version
 * ({@code SELECT VERSION()}) on the same connection and speaks its {@link Dialect}: MariaDB and MySQL 5.7
 * ({@code CHANGE MASTER TO}, {@code START SLAVE}), MySQL 8.0 and 8.4 ({@code CHANGE REPLICATION SOURCE TO},
 * {@code START REPLICA}, {@code SHOW BINARY LOG STATUS}).
 *
 * <pre>{@code Replication.stopReplica(pod.jdbcUrl());}</pre>
 */
@API(status = INTERNAL)
public final class Replication {

    /** How long one replication statement may take. */
    public static final Duration STATEMENT_TIMEOUT = Duration.ofSeconds(10);

    /**
     * How long a statement that stops or starts replication threads may take once connected. {@code STOP SLAVE}
     * waits for the IO thread, and an IO thread that found the disk full sleeps in MariaDB's wait for free space
     * (mysys {@code wait_for_free_space}: 60 s between retries, "Retry in 60 secs" in the error log): after the disk
     * is freed, it sees the stop at its next retry, up to a minute later. Given up after 10 s, the call failed while
     * the server went on to stop the thread: the harness believed running a follower that was stopped (a soak's
     * follower stayed stopped for minutes). While the disk is still full a stop or a start waits on: the faults refuse
     * both.
     */
    private static final Duration THREADS_TIMEOUT = Duration.ofSeconds(75);

    /**
     * Seconds between a follower's attempts to reach its source. The seed's sidecar says 10; 1 lets a healed
     * partition or a restarted source show in seconds instead of tens of seconds.
     */
    public static final int CONNECT_RETRY_SECONDS = 1;

    /** The followers' net timeout, as on LOCAL: a silent source is given up after this many seconds. */
    public static final int NET_TIMEOUT_SECONDS = 4;

    /** The source's heartbeat to its followers: half the net timeout, as MySQL's default ratio. */
    public static final double HEARTBEAT_SECONDS = 2;

    private Replication() {
    }

    /** The server's family and version, from {@code SELECT VERSION()}. */
    public static Dialect dialect(String url) {
        return Dialect.of(Sql.rows(url, STATEMENT_TIMEOUT, "SELECT VERSION() AS version").get(0).get("version"));
    }

    /** The dialect of the server behind an open connection. */
    public static Dialect dialect(Connection connection) throws SQLException {
        return Dialect.of(Sql.rows(connection, "SELECT VERSION() AS version").get(0).get("version"));
    }

    /**
     * {@code CHANGE MASTER TO} the source's address as root with root's password ({@code ""} for none), followed
     * from {@code where} (binlog coordinates or a GTID mode), in the MariaDB / MySQL 5.7 words;
     * {@link #changeMaster(Dialect, String, int, String, String)} gives it in a server's own words.
     */
    public static String changeMaster(String sourceHost, int sourcePort, String sourcePassword, String where) {
        return "CHANGE MASTER TO " + where + ", MASTER_HOST='" + sourceHost + "', MASTER_PORT=" + sourcePort
                + ", MASTER_USER='root', " + masterPassword(sourcePassword) + ", MASTER_CONNECT_RETRY=" + CONNECT_RETRY_SECONDS
                // MariaDB 11.4 replicas ask for TLS by default; the harness's servers run without
                + ", MASTER_SSL=0";
    }

    /** {@link #changeMaster(String, int, String, String)} in the dialect's words (CHANGE REPLICATION SOURCE TO on MySQL 8.0.23+). */
    public static String changeMaster(Dialect dialect, String sourceHost, int sourcePort, String sourcePassword,
                                      String where) {
        return dialect.changeSource(changeMaster(sourceHost, sourcePort, sourcePassword, where));
    }

    /** {@code MASTER_PASSWORD='...'}, quoted. */
    public static String masterPassword(String password) {
        return "MASTER_PASSWORD='" + password.replace("'", "''") + "'";
    }

    /** {@code sql} with the value of every {@code MASTER_PASSWORD}/{@code SOURCE_PASSWORD} replaced by ***, for logs. */
    public static String withoutPassword(String sql) {
        return sql.replaceAll("(?i)((?:MASTER|SOURCE)_PASSWORD\\s*=\\s*)'(?:[^']|'')+'", "$1'***'");
    }

    /** The source's current binlog position, empty when it writes no binary log. */
    public static Optional<BinlogPosition> sourcePosition(String url) {
        return query(url, STATEMENT_TIMEOUT, Dialect::showSourceStatus).stream().findFirst()
                .map(row -> new BinlogPosition(row.get("File"), Long.parseLong(row.get("Position"))));
    }

    /** The replica status of a server, empty when it is no replica. */
    public static Optional<ReplicaStatus> replicaStatus(String url) {
        return query(url, STATEMENT_TIMEOUT, Dialect::showReplicaStatus).stream().findFirst()
                .map(ReplicaStatusRow::toStatus);
    }

    /**
     * Waits until the replica has applied the source up to {@code position}.
     *
     * @return true when it did within the timeout
     */
    public static boolean awaitApplied(String url, BinlogPosition position, Duration timeout) {
        long seconds = Math.max(1, (timeout.toMillis() + 999) / 1000);
        String result = query(url, timeout.plus(STATEMENT_TIMEOUT), d -> d.waitForPosition(position, seconds))
                .get(0).get("applied");
        return result != null && Long.parseLong(result) >= 0;
    }

    /** Stops both replication threads ({@code STOP SLAVE} / {@code STOP REPLICA}). */
    public static void stopReplica(String url) {
        run(url, d -> new String[] {d.stopReplica()});
    }

    /** Starts both replication threads ({@code START SLAVE} / {@code START REPLICA}). */
    public static void startReplica(String url) {
        run(url, d -> new String[] {d.startReplica()});
    }

    /** Stops and starts the IO thread, so a follower that gave up or waits for its retry connects now. */
    public static void restartIoThread(String url) {
        run(url, d -> new String[] {d.stopIoThread(), d.startIoThread()});
    }

    /**
     * Makes the follower apply each event {@code delay} after the source wrote it (MASTER_DELAY / SOURCE_DELAY,
     * whole seconds, rounded up): its SQL thread (on MariaDB both threads) is stopped, changed and started
     * again. {@link Duration#ZERO}
     * removes the delay.
     */
    public static void delay(String url, Duration delay) {
        if (delay.isNegative()) {
            throw new IllegalArgumentException("a replication delay of " + delay + ": give zero or more");
        }
        long seconds = (delay.toMillis() + 999) / 1000;
        run(url, d -> d.delay(seconds));
    }

    /**
     * Gives a running follower the short net timeout and heartbeat of {@link #NET_TIMEOUT_SECONDS} and
     * {@link #HEARTBEAT_SECONDS} and the connect retry of {@link #CONNECT_RETRY_SECONDS}, and restarts its IO
     * thread so they apply: a cut link then shows within seconds instead of after the default 60 s.
     */
    public static void shortenNetTimeout(String url) {
        run(url, d -> d.shortNetTimeout(NET_TIMEOUT_SECONDS, HEARTBEAT_SECONDS, CONNECT_RETRY_SECONDS));
    }

    /**
     * Whether the server logs GTIDs a new source can be followed by: always on MariaDB; on MySQL only with
     * {@code gtid_mode=ON}.
     */
    public static boolean gtidModeOn(String url) {
        return "ON".equalsIgnoreCase(query(url, STATEMENT_TIMEOUT, Dialect::gtidModeQuery).get(0).get("gtid_mode"));
    }

    private interface Statements {
        String[] of(Dialect dialect);
    }

    private interface Query {
        String of(Dialect dialect);
    }

    private static void run(String url, Statements statements) {
        String sql = "";
        try (Connection connection = Sql.connect(url, STATEMENT_TIMEOUT, THREADS_TIMEOUT);
                Statement statement = connection.createStatement()) {
            String[] all = statements.of(dialect(connection));
            for (String one : all) {
                sql = one;
                statement.execute(one);
            }
        } catch (SQLException e) {
            throw new Sql.SqlFailure(url, sql.isEmpty() ? "SELECT VERSION()" : sql, e);
        }
    }

    private static List<Map<String, String>> query(String url, Duration timeout, Query query) {
        String sql = "SELECT VERSION()";
        try (Connection connection = Sql.connect(url, timeout)) {
            sql = query.of(dialect(connection));
            return Sql.rows(connection, sql);
        } catch (SQLException e) {
            throw new Sql.SqlFailure(url, sql, e);
        }
    }
}
