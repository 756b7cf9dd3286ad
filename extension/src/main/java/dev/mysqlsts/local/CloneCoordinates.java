package dev.mysqlsts.local;

import dev.mysqlsts.backend.PodEndpoint;
import dev.mysqlsts.replication.Consistency;
import dev.mysqlsts.replication.Dialect;
import dev.mysqlsts.replication.Sql;
import java.io.IOException;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;

/**
 * The lean clone of a source that has no user database yet (a cluster's first start): all a dump would carry is the
 * leader's binlog coordinates and GTIDs, so they are read as the dump program reads them, on one connection and
 * without starting two programs: under {@code FLUSH TABLES WITH READ LOCK} on the leader ({@code --master-data} /
 * {@code --source-data}: the binary log status), with the SQL thread stopped on a follower ({@code --dump-slave} /
 * {@code --dump-replica}: {@code Relay_Master_Log_File} and {@code Exec_Master_Log_Pos} of its replica status, the
 * leader's coordinates of what it applied). GTIDs: MariaDB's {@code gtid_binlog_pos} on the leader and
 * {@code gtid_slave_pos} on a follower (mariadb-dump {@code --gtid}), MySQL's {@code gtid_executed}
 * ({@code --set-gtid-purged}); client/mysqldump.c(c), do_show_master_status / do_show_slave_status /
 * add_set_gtid_purged, of MariaDB and MySQL.
 */
final class CloneCoordinates {

    private CloneCoordinates() {
    }

    /** @return false, touching nothing, when the source has user databases: then {@link LogicalClone#run} dumps them */
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
                String gtid = Sql.rows(connection, "SELECT " + gtidVariable(dialect, fromLeader) + " AS gtids").get(0)
                        .get("gtids");
                Files.writeString(dir.data().resolve(LogicalClone.CHANGE_MASTER_FILE),
                        text(dialect, file, position, gtid, withGtid));
                return true;
            } finally {
                sql.execute(fromLeader ? "UNLOCK TABLES" : dialect.startSqlThread());
            }
        }
    }

    /**
     * The coordinates file the sidecar reads: the GTIDs to start from (for a GTID sidecar), then the binlog
     * coordinates.
     */
    static String text(Dialect dialect, String file, String position, String gtid, boolean withGtid) {
        String gtids = gtid == null ? "" : gtid.replaceAll("\\s+", ""); // MySQL's set comes one line per server
        String setGtids = dialect.family() == Dialect.Family.MYSQL ? "gtid_purged" : "gtid_slave_pos";
        return (withGtid ? "SET GLOBAL " + setGtids + " = '" + gtids + "';\n" : "")
                + "CHANGE MASTER TO MASTER_LOG_FILE='" + file + "', MASTER_LOG_POS=" + position + "\n";
    }

    private static String gtidVariable(Dialect dialect, boolean fromLeader) {
        if (dialect.family() == Dialect.Family.MYSQL) {
            return "@@GLOBAL.gtid_executed";
        }
        return fromLeader ? "@@gtid_binlog_pos" : "@@gtid_slave_pos";
    }

    private static String column(Map<String, String> row, String newName, String oldName) {
        return row.containsKey(newName) ? row.get(newName) : row.get(oldName);
    }
}
