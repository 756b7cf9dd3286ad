package dev.mysqlsts.replication;

import dev.mysqlsts.ReplicaStatus;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The replication statements the harness runs, in the MariaDB / MySQL 5.7 dialect that the manifests' sidecar
 * uses ({@code CHANGE MASTER TO}, {@code START SLAVE}).
 */
public final class Replication {

    /** How long one replication statement may take. */
    public static final Duration STATEMENT_TIMEOUT = Duration.ofSeconds(10);

    private Replication() {
    }

    /**
     * Seconds between a follower's attempts to reach its source. The seed's sidecar says 10; 1 lets a healed
     * partition or a restarted source show in seconds instead of tens of seconds.
     */
    public static final int CONNECT_RETRY_SECONDS = 1;

    /**
     * What the sidecar does once the server accepts connections: {@code CHANGE MASTER TO} the clone's
     * coordinates on the source's address with the root account, then {@code START SLAVE}.
     *
     * @param adminUrl the follower
     * @param position where the clone's data ends in the source's binlog
     */
    public static void startFrom(String adminUrl, BinlogPosition position, String sourceHost, int sourcePort) {
        Sql.execute(adminUrl, STATEMENT_TIMEOUT, changeMaster(sourceHost, sourcePort, "MASTER_LOG_FILE='"
                + position.file().replace("'", "''") + "', MASTER_LOG_POS=" + position.position()), "START SLAVE");
    }

    /**
     * {@code CHANGE MASTER TO} the source's address as root, followed from {@code where} (binlog coordinates or a
     * GTID mode).
     */
    public static String changeMaster(String sourceHost, int sourcePort, String where) {
        return "CHANGE MASTER TO " + where + ", MASTER_HOST='" + sourceHost + "', MASTER_PORT=" + sourcePort
                + ", MASTER_USER='root', MASTER_PASSWORD='', MASTER_CONNECT_RETRY=" + CONNECT_RETRY_SECONDS
                // MariaDB 11.4 replicas ask for TLS by default; the harness's servers run without
                + ", MASTER_SSL=0";
    }

    /** The source's current binlog position, empty when it writes no binary log. */
    public static Optional<BinlogPosition> sourcePosition(String url) {
        List<Map<String, String>> rows = Sql.rows(url, STATEMENT_TIMEOUT, "SHOW MASTER STATUS");
        return rows.stream().findFirst()
                .map(row -> new BinlogPosition(row.get("File"), Long.parseLong(row.get("Position"))));
    }

    /** The replica status of a server, empty when it is no replica. */
    public static Optional<ReplicaStatus> replicaStatus(String url) {
        return Sql.rows(url, STATEMENT_TIMEOUT, "SHOW SLAVE STATUS").stream().findFirst().map(Replication::toStatus);
    }

    /**
     * Waits until the replica has applied the source up to {@code position}.
     *
     * @return true when it did within the timeout
     */
    public static boolean awaitApplied(String url, BinlogPosition position, Duration timeout) {
        long seconds = Math.max(1, (timeout.toMillis() + 999) / 1000);
        String sql = "SELECT MASTER_POS_WAIT('" + position.file().replace("'", "''") + "', " + position.position()
                + ", " + seconds + ") AS applied";
        String result = Sql.rows(url, timeout.plus(STATEMENT_TIMEOUT), sql).get(0).get("applied");
        return result != null && Long.parseLong(result) >= 0;
    }

    private static ReplicaStatus toStatus(Map<String, String> row) {
        String seconds = row.get("Seconds_Behind_Master");
        return new ReplicaStatus(
                "Yes".equals(row.get("Slave_IO_Running")),
                row.getOrDefault("Slave_IO_Running", ""),
                "Yes".equals(row.get("Slave_SQL_Running")),
                seconds == null ? null : Long.valueOf(seconds),
                row.getOrDefault("Master_Host", ""),
                parseInt(row.get("Master_Port")),
                row.getOrDefault("Master_Log_File", ""),
                parseLong(row.get("Read_Master_Log_Pos")),
                row.getOrDefault("Relay_Master_Log_File", ""),
                parseLong(row.get("Exec_Master_Log_Pos")),
                parseInt(row.get("Last_IO_Errno")),
                nullToEmpty(row.get("Last_IO_Error")),
                parseInt(row.get("Last_SQL_Errno")),
                nullToEmpty(row.get("Last_SQL_Error")));
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
