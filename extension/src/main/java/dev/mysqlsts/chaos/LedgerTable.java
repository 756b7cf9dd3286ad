package dev.mysqlsts.chaos;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/**
 * The ledger's tables and every statement on them. They live in their own schema, {@value #SCHEMA}, so they never
 * collide with a test's. {@code writes} has no unique key on purpose: a transaction a follower applies twice leaves
 * a second row (and a second counter increment) instead of stopping replication, so the report can count it.
 */
final class LedgerTable {

    static final String SCHEMA = "mysqlsts_ledger";
    /** Connect timeout of every ledger connection: a dead or frozen pod fails an operation, never hangs it. */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    /** Socket timeout of the clients' connections: a frozen or cut leader gives failed or unknown in this time. */
    static final Duration CLIENT_SOCKET_TIMEOUT = Duration.ofSeconds(4);
    /** Socket timeout of the samplers' and the final reads' connections. */
    static final Duration READ_SOCKET_TIMEOUT = Duration.ofSeconds(2);

    private static final String INSERT = "INSERT INTO " + SCHEMA + ".writes (id, client, t) VALUES (?, ?, ?)";
    private static final String BUMP = "UPDATE " + SCHEMA + ".counter SET n = n + 1 WHERE k = 0";
    private static final int NO_SUCH_TABLE = 1146;
    private static final int NO_SUCH_SCHEMA = 1049;

    private LedgerTable() {
    }

    /** A connection with the ledger's connect timeout and the given socket timeout. */
    static Connection connect(String jdbcUrl, Duration socketTimeout) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("connectTimeout", Long.toString(CONNECT_TIMEOUT.toMillis()));
        properties.setProperty("socketTimeout", Long.toString(socketTimeout.toMillis()));
        return DriverManager.getConnection(jdbcUrl, properties);
    }

    /** Drops the previous test's ledger and creates empty tables, on the leader (they replicate to the others). */
    static void recreate(Connection leader) throws SQLException {
        try (Statement sql = leader.createStatement()) {
            sql.execute("DROP DATABASE IF EXISTS " + SCHEMA);
            sql.execute("CREATE DATABASE " + SCHEMA);
            sql.execute("CREATE TABLE " + SCHEMA + ".writes (id BIGINT NOT NULL, client INT NOT NULL, "
                    + "t BIGINT NOT NULL, KEY (id), KEY (t)) ENGINE=InnoDB");
            sql.execute("CREATE TABLE " + SCHEMA + ".counter (k INT PRIMARY KEY, n BIGINT NOT NULL) ENGINE=InnoDB");
            sql.execute("INSERT INTO " + SCHEMA + ".counter VALUES (0, 0)");
        }
    }

    /** Prepares a client's connection: its writes are transactions of an insert and a counter increment. */
    static void prepareClient(Connection connection) throws SQLException {
        connection.setAutoCommit(false);
    }

    /** Inserts the id and bumps the counter in the open transaction; the caller commits. */
    static void write(Connection connection, long id, int client, long invoked) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
            insert.setLong(1, id);
            insert.setInt(2, client);
            insert.setLong(3, invoked);
            insert.executeUpdate();
        }
        try (Statement bump = connection.createStatement()) {
            bump.executeUpdate(BUMP);
        }
    }

    /** {@code @@read_only} of the pod and the newest ledger row it holds (-1 when none or no table yet). */
    static long[] sample(Connection connection) throws SQLException {
        try (Statement sql = connection.createStatement()) {
            try (ResultSet rs = sql.executeQuery("SELECT @@global.read_only, (SELECT COALESCE(MAX(t), -1) FROM "
                    + SCHEMA + ".writes)")) {
                rs.next();
                return new long[] {rs.getLong(1), rs.getLong(2)};
            } catch (SQLException e) {
                if (e.getErrorCode() != NO_SUCH_TABLE && e.getErrorCode() != NO_SUCH_SCHEMA) {
                    throw e;
                }
            }
            try (ResultSet rs = sql.executeQuery("SELECT @@global.read_only")) {
                rs.next();
                return new long[] {rs.getLong(1), -1};
            }
        }
    }

    /** The counter: how many ledger transactions the pod applied (0 when it has no table yet). */
    static long counter(Connection connection) throws SQLException {
        try (Statement sql = connection.createStatement();
             ResultSet rs = sql.executeQuery("SELECT n FROM " + SCHEMA + ".counter WHERE k = 0")) {
            return rs.next() ? rs.getLong(1) : 0;
        } catch (SQLException e) {
            if (e.getErrorCode() == NO_SUCH_TABLE || e.getErrorCode() == NO_SUCH_SCHEMA) {
                return 0;
            }
            throw e;
        }
    }

    /**
     * Whether the pod holds at least {@code counter} ledger transactions and {@code ids} distinct ids: the counter
     * alone is reached early by a follower that applies transactions twice (file/position after a crash).
     */
    static boolean holdsAtLeast(Connection connection, long counter, long ids) throws SQLException {
        if (counter(connection) < counter) {
            return false;
        }
        if (ids == 0) {
            return true;
        }
        try (Statement sql = connection.createStatement();
             ResultSet rs = sql.executeQuery("SELECT COUNT(DISTINCT id) FROM " + SCHEMA + ".writes")) {
            return rs.next() && rs.getLong(1) >= ids;
        }
    }

    /** What a pod holds: each id with how many rows it has, and the counter. */
    record Contents(Map<Long, Integer> ids, long counter) {

        long rows() {
            return ids.values().stream().mapToLong(Integer::longValue).sum();
        }
    }

    static Contents read(Connection connection) throws SQLException {
        Map<Long, Integer> ids = new HashMap<>();
        long counter = 0;
        try (Statement sql = connection.createStatement()) {
            try (ResultSet rs = sql.executeQuery("SELECT id, COUNT(*) FROM " + SCHEMA + ".writes GROUP BY id")) {
                while (rs.next()) {
                    ids.put(rs.getLong(1), rs.getInt(2));
                }
            }
            try (ResultSet rs = sql.executeQuery("SELECT n FROM " + SCHEMA + ".counter WHERE k = 0")) {
                if (rs.next()) {
                    counter = rs.getLong(1);
                }
            }
        } catch (SQLException e) {
            if (e.getErrorCode() == NO_SUCH_TABLE || e.getErrorCode() == NO_SUCH_SCHEMA) {
                return new Contents(Map.of(), 0); // the pod never received the ledger's tables
            }
            throw e;
        }
        return new Contents(ids, counter);
    }
}
