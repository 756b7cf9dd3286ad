package dev.mysqlsts.replication;

import dev.mysqlsts.ReplicaStatus;
import java.util.Map;

/**
 * A row of {@code SHOW SLAVE STATUS} / {@code SHOW REPLICA STATUS} as a {@link ReplicaStatus}. MySQL 8.0.22+
 * names the columns with Replica/Source ({@code Replica_IO_Running}, {@code Seconds_Behind_Source},
 * {@code Exec_Source_Log_Pos}); MariaDB and MySQL 5.7 with Slave/Master: both are read. GTIDs: MariaDB's
 * {@code Using_Gtid} and {@code Gtid_IO_Pos}, MySQL's {@code Auto_Position} and {@code Retrieved_Gtid_Set}.
 */
final class ReplicaStatusRow {

    private ReplicaStatusRow() {
    }

    static ReplicaStatus toStatus(Map<String, String> row) {
        String seconds = column(row, "Seconds_Behind_Source", "Seconds_Behind_Master");
        String ioState = nullToEmpty(column(row, "Replica_IO_Running", "Slave_IO_Running"));
        String usingGtid = row.get("Using_Gtid");
        String autoPosition = row.get("Auto_Position");
        String gtids = row.containsKey("Gtid_IO_Pos") ? row.get("Gtid_IO_Pos") : row.get("Retrieved_Gtid_Set");
        return new ReplicaStatus(
                "Yes".equals(ioState),
                ioState,
                "Yes".equals(column(row, "Replica_SQL_Running", "Slave_SQL_Running")),
                seconds == null || seconds.isEmpty() ? null : Long.valueOf(seconds),
                nullToEmpty(column(row, "Source_Host", "Master_Host")),
                parseInt(column(row, "Source_Port", "Master_Port")),
                nullToEmpty(column(row, "Source_Log_File", "Master_Log_File")),
                parseLong(column(row, "Read_Source_Log_Pos", "Read_Master_Log_Pos")),
                nullToEmpty(column(row, "Relay_Source_Log_File", "Relay_Master_Log_File")),
                parseLong(column(row, "Exec_Source_Log_Pos", "Exec_Master_Log_Pos")),
                parseInt(row.get("Last_IO_Errno")),
                nullToEmpty(row.get("Last_IO_Error")),
                parseInt(row.get("Last_SQL_Errno")),
                nullToEmpty(row.get("Last_SQL_Error")),
                usingGtid != null ? !"No".equalsIgnoreCase(usingGtid) : "1".equals(autoPosition),
                nullToEmpty(gtids).replaceAll("\\s+", ""),
                parseLong(row.get("SQL_Delay")));
    }

    private static String column(Map<String, String> row, String newName, String oldName) {
        return row.containsKey(newName) ? row.get(newName) : row.get(oldName);
    }

    private static int parseInt(String value) {
        return value == null || value.isEmpty() ? 0 : Integer.parseInt(value);
    }

    private static long parseLong(String value) {
        return value == null || value.isEmpty() ? 0 : Long.parseLong(value);
    }

    private static String nullToEmpty(String value) {
        return value == null ? "" : value;
    }
}
