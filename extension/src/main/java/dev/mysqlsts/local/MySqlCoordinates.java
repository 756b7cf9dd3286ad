package dev.mysqlsts.local;

import dev.mysqlsts.backend.PodEndpoint;
import dev.mysqlsts.replication.Consistency;
import dev.mysqlsts.replication.Dialect;
import dev.mysqlsts.replication.Sql;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.nio.file.Files;
import java.util.Map;

/**
 * The lean clone of a MySQL source that has no user database yet: its coordinates read as mysqldump's
 * {@code --source-data} reads them on the leader ({@code FLUSH TABLES WITH READ LOCK}, then the binary log status) and
 * as {@code --dump-replica} does on a follower (its SQL thread stopped, then {@code Relay_Source_Log_File} and
 * {@code Exec_Source_Log_Pos} of its replica status: the leader's coordinates of what it applied), with the GTIDs as
 * {@code --set-gtid-purged} takes them ({@code @@GLOBAL.gtid_executed}); client/mysqldump.cc,
 * do_show_master_status / do_show_slave_status / add_set_gtid_purged.
 */
final class MySqlCoordinates {

    private MySqlCoordinates() {
    }

    /** @return false, touching nothing, when the source has user databases */
    static boolean write(Connection connection, Dialect dialect, PodEndpoint from, boolean fromLeader, PodDirectory dir,
                         boolean withGtid) throws SQLException, IOException {
        try (Statement sql = connection.createStatement()) {
            sql.execute(fromLeader ? "FLUSH TABLES WITH READ LOCK" : dialect.stopSqlThread());
            try {
                if (!Sql.rows(connection, "SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME NOT IN "
                        + Consistency.SERVER_SCHEMAS).isEmpty()) {
                    return false;
                }
                String file;
                String position;
                if (fromLeader) {
                    Map<String, String> status = Sql.rows(connection, dialect.showSourceStatus()).stream().findFirst()
                            .orElseThrow(() -> new LocalBackendException(from.name() + " writes no binary log; does the "
                                    + "leader's config enable log-bin?"));
                    file = status.get("File");
                    position = status.get("Position");
                } else {
                    Map<String, String> status = Sql.rows(connection, dialect.showReplicaStatus()).stream().findFirst()
                            .orElseThrow(() -> new LocalBackendException(from.name() + " is no replica yet"));
                    file = column(status, "Relay_Source_Log_File", "Relay_Master_Log_File");
                    position = column(status, "Exec_Source_Log_Pos", "Exec_Master_Log_Pos");
                }
                String gtid = Sql.rows(connection, "SELECT @@GLOBAL.gtid_executed AS gtids").get(0).get("gtids");
                Files.writeString(dir.data().resolve(LogicalClone.CHANGE_MASTER_FILE), text(file, position, gtid, withGtid));
                return true;
            } finally {
                sql.execute(fromLeader ? "UNLOCK TABLES" : dialect.startSqlThread());
            }
        }
    }

    /** The coordinates file the sidecar reads: the GTID set (for a GTID sidecar) and the binlog coordinates. */
    static String text(String file, String position, String gtid, boolean withGtid) {
        String gtids = gtid == null ? "" : gtid.replaceAll("\\s+", "");
        return (withGtid ? "SET GLOBAL gtid_purged = '" + gtids + "';\n" : "")
                + "CHANGE MASTER TO MASTER_LOG_FILE='" + file + "', MASTER_LOG_POS=" + position + "\n";
    }

    private static String column(Map<String, String> row, String newName, String oldName) {
        return row.containsKey(newName) ? row.get(newName) : row.get(oldName);
    }
}
