package dev.mysqlsts.faults;

import dev.mysqlsts.MySqlPod;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** SQL one-liners for the fault tests. */
final class Rows {

    private Rows() {
    }

    static void execute(MySqlPod pod, String... statements) throws SQLException {
        try (Connection connection = pod.connection(); Statement sql = connection.createStatement()) {
            for (String statement : statements) {
                sql.execute(statement);
            }
        }
    }

    static long count(MySqlPod pod, String table) throws SQLException {
        try (Connection connection = pod.connection(); Statement sql = connection.createStatement();
             ResultSet rows = sql.executeQuery("SELECT COUNT(*) FROM " + table)) {
            rows.next();
            return rows.getLong(1);
        }
    }

    static int serverId(Connection connection) throws SQLException {
        try (Statement sql = connection.createStatement(); ResultSet row = sql.executeQuery("SELECT @@server_id")) {
            row.next();
            return row.getInt(1);
        }
    }
}
