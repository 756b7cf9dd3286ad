package dev.mysqlsts;

/**
 * A follower's replication state, as {@code SHOW REPLICA STATUS} reports it.
 *
 * <pre>{@code assertTrue(cluster.replicaStatus(1).sqlRunning());}</pre>
 *
 * @param ioRunning           whether the IO thread (the connection to the source) runs; "Connecting" is false
 * @param ioState             the raw {@code Slave_IO_Running} value: Yes, No or Connecting
 * @param sqlRunning          whether the SQL (applier) thread runs
 * @param secondsBehindSource {@code Seconds_Behind_Master}, or null when unknown (a thread is stopped)
 * @param sourceHost          the source's host as the follower was told
 * @param sourcePort          the source's port as the follower was told
 * @param sourceLogFile       the source binlog file the IO thread reads
 * @param readPosition        how far the IO thread has read in it
 * @param execSourceLogFile   the source binlog file of the last applied event
 * @param execPosition        the source position of the last applied event
 * @param lastIoErrno         0 or the last IO error's number (for example 2003: cannot connect)
 * @param lastIoError         the last IO error's text, "" if none
 * @param lastSqlErrno        0 or the last SQL error's number (for example 1062: duplicate key)
 * @param lastSqlError        the last SQL error's text, "" if none
 * @param usingGtid           whether the follower replicates by GTID rather than by binlog file and position
 *                            (MariaDB {@code Using_Gtid} other than {@code No}; MySQL {@code Auto_Position = 1})
 * @param gtidPosition        the GTIDs the follower has received: MariaDB {@code Gtid_IO_Pos}, MySQL
 *                            {@code Retrieved_Gtid_Set}; "" when the server reports none
 * @param sqlDelaySeconds     the configured replication delay ({@code SQL_Delay}: MASTER_DELAY / SOURCE_DELAY),
 *                            0 for none
 */
public record ReplicaStatus(
        boolean ioRunning,
        String ioState,
        boolean sqlRunning,
        Long secondsBehindSource,
        String sourceHost,
        int sourcePort,
        String sourceLogFile,
        long readPosition,
        String execSourceLogFile,
        long execPosition,
        int lastIoErrno,
        String lastIoError,
        int lastSqlErrno,
        String lastSqlError,
        boolean usingGtid,
        String gtidPosition,
        long sqlDelaySeconds) {

    /** One line for logs and failure messages. */
    public String summary() {
        return "IO " + ioState + ", SQL " + (sqlRunning ? "Yes" : "No")
                + ", source " + sourceHost + ":" + sourcePort
                + ", read " + sourceLogFile + ":" + readPosition
                + ", applied " + execSourceLogFile + ":" + execPosition
                + (secondsBehindSource == null ? "" : ", " + secondsBehindSource + " s behind")
                + (lastIoErrno == 0 ? "" : ", last IO error " + lastIoErrno + ": " + lastIoError)
                + (lastSqlErrno == 0 ? "" : ", last SQL error " + lastSqlErrno + ": " + lastSqlError)
                + (usingGtid ? ", by GTID" : "")
                + (gtidPosition == null || gtidPosition.isEmpty() ? "" : ", GTIDs received " + gtidPosition)
                + (sqlDelaySeconds == 0 ? "" : ", delayed " + sqlDelaySeconds + " s");
    }
}
