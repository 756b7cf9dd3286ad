package dev.mysqlsts.replication;

import static org.apiguardian.api.API.Status.INTERNAL;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apiguardian.api.API;

/** Short JDBC chores of the harness: connect with timeouts, run statements, read rows as maps. */
@API(status = INTERNAL)
public final class Sql {

    private Sql() {
    }

    /** A connection whose connect and socket timeouts are {@code timeout}. */
    public static Connection connect(String url, Duration timeout) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("connectTimeout", Long.toString(timeout.toMillis()));
        properties.setProperty("socketTimeout", Long.toString(timeout.toMillis()));
        return DriverManager.getConnection(url, properties);
    }

    /**
     * A connection whose connect and handshake take at most {@code timeout} and whose statements may then run for up
     * to {@code statementTimeout}: a frozen server still fails fast, a slow statement is waited for.
     */
    public static Connection connect(String url, Duration timeout, Duration statementTimeout) throws SQLException {
        Connection connection = connect(url, timeout);
        connection.setNetworkTimeout(Runnable::run, Math.toIntExact(statementTimeout.toMillis()));
        return connection;
    }

    /** Runs the statements in order on a new connection. */
    public static void execute(String url, Duration timeout, String... statements) {
        try (Connection connection = connect(url, timeout); Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        } catch (SQLException e) {
            throw new SqlFailure(url, String.join("; ", statements), e);
        }
    }

    /** The rows of a query on a new connection, each a column-label-to-text map in column order. */
    public static List<Map<String, String>> rows(String url, Duration timeout, String query) {
        try (Connection connection = connect(url, timeout)) {
            return rows(connection, query);
        } catch (SQLException e) {
            throw new SqlFailure(url, query, e);
        }
    }

    /** The rows of a query on the given connection. */
    public static List<Map<String, String>> rows(Connection connection, String query) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(query)) {
            ResultSetMetaData meta = rs.getMetaData();
            List<Map<String, String>> rows = new ArrayList<>();
            while (rs.next()) {
                Map<String, String> row = new LinkedHashMap<>();
                for (int i = 1; i <= meta.getColumnCount(); i++) {
                    row.put(meta.getColumnLabel(i), rs.getString(i));
                }
                rows.add(row);
            }
            return rows;
        }
    }

    /** A statement failed; the message names the server and the statement. */
    public static final class SqlFailure extends RuntimeException {

        private static final long serialVersionUID = 1L;

        SqlFailure(String url, String sql, SQLException cause) {
            super("SQL failed on " + url.replaceFirst("\\?.*", "") + ": " + Replication.withoutPassword(sql) + ": " + cause.getMessage()
                    + " (error " + cause.getErrorCode() + ", SQLState " + cause.getSQLState() + ")", cause);
        }
    }
}
