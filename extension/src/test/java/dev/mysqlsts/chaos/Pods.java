package dev.mysqlsts.chaos;

import dev.mysqlsts.MySqlPod;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** What the tests read and run on a pod, through the user's connection. */
final class Pods {

    private Pods() {
    }

    /** Rows of the ledger's table on the pod (0 when it has no table yet or does not answer). */
    static long ledgerRows(MySqlPod pod) {
        try (Connection c = LedgerTable.connect(pod.jdbcUrl(), LedgerTable.READ_SOCKET_TIMEOUT);
             Statement sql = c.createStatement();
             ResultSet rs = sql.executeQuery("SELECT COUNT(*) FROM " + LedgerTable.SCHEMA + ".writes")) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            return 0;
        }
    }

    static void run(MySqlPod pod, String... statements) throws SQLException {
        try (Connection c = pod.connection(); Statement sql = c.createStatement()) {
            for (String statement : statements) {
                sql.execute(statement);
            }
        }
    }

    static String single(MySqlPod pod, String query) throws SQLException {
        try (Connection c = pod.connection(); Statement sql = c.createStatement(); ResultSet rs = sql.executeQuery(query)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
