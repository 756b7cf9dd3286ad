package dev.mysqlsts.samples.chaos;

import dev.mysqlsts.MySqlPod;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** The few SQL helpers the chaos experiments share. */
final class Sql {

    private Sql() {
    }

    static void run(MySqlPod pod, String... statements) throws SQLException {
        try (Connection connection = pod.connection(); Statement sql = connection.createStatement()) {
            for (String statement : statements) {
                sql.execute(statement);
            }
        }
    }

    static String single(MySqlPod pod, String query) throws SQLException {
        try (Connection connection = pod.connection(); Statement sql = connection.createStatement();
             ResultSet rows = sql.executeQuery(query)) {
            rows.next();
            return rows.getString(1);
        }
    }

    static long count(MySqlPod pod, String table) throws SQLException {
        try (Connection connection = pod.connection(); Statement sql = connection.createStatement();
             ResultSet rows = sql.executeQuery("SELECT COUNT(*) FROM " + table)) {
            rows.next();
            return rows.getLong(1);
        }
    }
}
