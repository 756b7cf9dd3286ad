package dev.mysqlsts.replication;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mysqlsts.ReplicaStatus;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The SQL each server family and version gets, without a server: MariaDB, MySQL 5.7, 8.0 (before and after the
 * 8.0.22/23/26 renames) and 8.4 (where the old forms are gone).
 */
class DialectTest {

    private static final Dialect MARIADB = Dialect.of("10.11.6-MariaDB-0+deb12u1");
    private static final Dialect MYSQL57 = Dialect.of("5.7.44");
    private static final Dialect MYSQL80_OLD = Dialect.of("8.0.21");
    private static final Dialect MYSQL80 = Dialect.of("8.0.36");
    private static final Dialect MYSQL84 = Dialect.of("8.4.3");
    private static final BinlogPosition POSITION = new BinlogPosition("mysql-0-bin.000002", 1234);

    @Test
    void versionsAreRecognised() {
        assertEquals(Dialect.Family.MARIADB, MARIADB.family());
        assertEquals("MariaDB 10.11.6", MARIADB.toString());
        assertEquals("MariaDB 11.4.5", Dialect.of("5.5.5-11.4.5-MariaDB").toString(), "the old protocol prefix");
        assertEquals("MySQL 8.4.3", MYSQL84.toString());
        assertEquals("MySQL 8.0.36", Dialect.of("8.0.36-commercial").toString());
        assertTrue(MYSQL84.mysqlAtLeast(8, 0, 26));
        assertFalse(MYSQL57.mysqlAtLeast(8, 0, 0));
        assertFalse(MARIADB.mysqlAtLeast(5, 0, 0), "MariaDB 10.11 is no MySQL 10");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Dialect.of("Postgres"));
        assertTrue(e.getMessage().contains("not a MySQL or MariaDB version: 'Postgres'"), e.getMessage());
    }

    @Test
    void mariaDbAndMysql57SpeakSlaveAndMaster() {
        for (Dialect d : new Dialect[] {MARIADB, MYSQL57, MYSQL80_OLD}) {
            assertEquals("SHOW SLAVE STATUS", d.showReplicaStatus(), d.toString());
            assertEquals("SHOW MASTER STATUS", d.showSourceStatus(), d.toString());
            assertEquals("START SLAVE", d.startReplica());
            assertEquals("STOP SLAVE IO_THREAD", d.stopIoThread());
            assertEquals("CHANGE MASTER TO MASTER_DELAY=5", d.changeSource("CHANGE MASTER TO MASTER_DELAY=5"));
            assertEquals("SELECT MASTER_POS_WAIT('mysql-0-bin.000002', 1234, 30) AS applied",
                    d.waitForPosition(POSITION, 30));
            assertEquals("slave_net_timeout", d.netTimeoutVariable());
        }
    }

    @Test
    void mysql80SpeaksReplicaAndSourceAndStillShowsMasterStatus() {
        assertEquals("SHOW REPLICA STATUS", MYSQL80.showReplicaStatus());
        assertEquals("SHOW MASTER STATUS", MYSQL80.showSourceStatus(), "SHOW BINARY LOG STATUS came in 8.2");
        assertEquals("STOP REPLICA SQL_THREAD", MYSQL80.stopSqlThread());
        assertEquals("SELECT SOURCE_POS_WAIT('mysql-0-bin.000002', 1234, 30) AS applied",
                MYSQL80.waitForPosition(POSITION, 30));
        assertEquals("replica_net_timeout", MYSQL80.netTimeoutVariable());
    }

    @Test
    void mysql84HasNoneOfTheRemovedForms() {
        assertEquals("SHOW REPLICA STATUS", MYSQL84.showReplicaStatus());
        assertEquals("SHOW BINARY LOG STATUS", MYSQL84.showSourceStatus());
        assertEquals("START REPLICA", MYSQL84.startReplica());
        String change = Replication.changeMaster(MYSQL84, "mysql-0.mysql", 3306, "",
                "MASTER_LOG_FILE='MASTER_x.000001', MASTER_LOG_POS=4");
        assertEquals("CHANGE REPLICATION SOURCE TO SOURCE_LOG_FILE='MASTER_x.000001', SOURCE_LOG_POS=4,"
                + " SOURCE_HOST='mysql-0.mysql', SOURCE_PORT=3306, SOURCE_USER='root', SOURCE_PASSWORD='',"
                + " SOURCE_CONNECT_RETRY=1, SOURCE_SSL=0", change, "quoted values are not renamed");
        for (String sql : new String[] {change, MYSQL84.showSourceStatus(), MYSQL84.showReplicaStatus(),
                MYSQL84.waitForPosition(POSITION, 1), String.join(";", MYSQL84.delay(3)),
                String.join(";", MYSQL84.shortNetTimeout(4, 2, 1))}) {
            assertFalse(sql.matches("(?s).*\\b(SLAVE|MASTER_POS_WAIT|SHOW MASTER|CHANGE MASTER|MASTER_[A-Z]+=).*"),
                    "removed in 8.4: " + sql);
        }
    }

    @Test
    void delayStopsTheSqlThreadChangesAndStartsIt() {
        assertArrayEquals(new String[] {"STOP SLAVE SQL_THREAD", "CHANGE MASTER TO MASTER_DELAY=7",
                "START SLAVE SQL_THREAD"}, MYSQL57.delay(7));
        assertArrayEquals(new String[] {"STOP SLAVE", "CHANGE MASTER TO MASTER_DELAY=7", "START SLAVE"},
                MARIADB.delay(7), "MariaDB changes nothing while a thread runs");
        assertArrayEquals(new String[] {"STOP REPLICA SQL_THREAD", "CHANGE REPLICATION SOURCE TO SOURCE_DELAY=0",
                "START REPLICA SQL_THREAD"}, MYSQL84.delay(0));
        assertThrows(IllegalArgumentException.class, () -> MARIADB.delay(-1));
    }

    @Test
    void shortNetTimeoutRestartsTheIoThread() {
        assertArrayEquals(new String[] {"SET GLOBAL slave_net_timeout = 4", "STOP SLAVE IO_THREAD",
                "CHANGE MASTER TO MASTER_HEARTBEAT_PERIOD=2, MASTER_CONNECT_RETRY=1", "START SLAVE IO_THREAD"},
                MYSQL57.shortNetTimeout(4, 2, 1));
        assertArrayEquals(new String[] {"SET GLOBAL replica_net_timeout = 4", "STOP REPLICA IO_THREAD",
                "CHANGE REPLICATION SOURCE TO SOURCE_HEARTBEAT_PERIOD=2.5, SOURCE_CONNECT_RETRY=1",
                "START REPLICA IO_THREAD"}, MYSQL84.shortNetTimeout(4, 2.5, 1));
    }

    @Test
    void mariaDbStopsBothThreadsToChangeTheHeartbeat() {
        assertArrayEquals(new String[] {"SET GLOBAL slave_net_timeout = 4", "STOP SLAVE",
                "CHANGE MASTER TO MASTER_HEARTBEAT_PERIOD=2, MASTER_CONNECT_RETRY=1", "START SLAVE"},
                MARIADB.shortNetTimeout(4, 2, 1));
    }

    @Test
    void gtidModeIsAskedOnMysqlOnly() {
        assertEquals("SELECT @@GLOBAL.gtid_mode AS gtid_mode", MYSQL57.gtidModeQuery());
        assertEquals("SELECT 'ON' AS gtid_mode", MARIADB.gtidModeQuery());
    }

    @Test
    void statusRowsOfEveryFamilyAreRead() {
        Map<String, String> mysql84 = new LinkedHashMap<>();
        mysql84.put("Replica_IO_Running", "Connecting");
        mysql84.put("Replica_SQL_Running", "Yes");
        mysql84.put("Seconds_Behind_Source", null);
        mysql84.put("Source_Host", "mysql-0.mysql");
        mysql84.put("Source_Port", "3306");
        mysql84.put("Source_Log_File", "mysql-0-bin.000003");
        mysql84.put("Read_Source_Log_Pos", "157");
        mysql84.put("Relay_Source_Log_File", "mysql-0-bin.000003");
        mysql84.put("Exec_Source_Log_Pos", "157");
        mysql84.put("Last_IO_Errno", "2003");
        mysql84.put("Last_IO_Error", "error connecting to source");
        mysql84.put("Last_SQL_Errno", "0");
        mysql84.put("Last_SQL_Error", "");
        mysql84.put("SQL_Delay", "30");
        mysql84.put("Retrieved_Gtid_Set", "3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5");
        mysql84.put("Auto_Position", "1");
        ReplicaStatus status = ReplicaStatusRow.toStatus(mysql84);
        assertFalse(status.ioRunning());
        assertEquals("Connecting", status.ioState());
        assertTrue(status.sqlRunning());
        assertEquals("mysql-0.mysql", status.sourceHost());
        assertEquals(157, status.execPosition());
        assertEquals(2003, status.lastIoErrno());
        assertTrue(status.usingGtid());
        assertEquals("3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5", status.gtidPosition());
        assertEquals(30, status.sqlDelaySeconds());
        assertTrue(status.summary().contains("by GTID"), status.summary());
        assertTrue(status.summary().contains("delayed 30 s"), status.summary());

        Map<String, String> mariadb = new LinkedHashMap<>();
        mariadb.put("Slave_IO_Running", "Yes");
        mariadb.put("Slave_SQL_Running", "No");
        mariadb.put("Seconds_Behind_Master", "0");
        mariadb.put("Master_Host", "127.0.0.1");
        mariadb.put("Master_Port", "40001");
        mariadb.put("Exec_Master_Log_Pos", "330");
        mariadb.put("Last_SQL_Errno", "1062");
        mariadb.put("Last_SQL_Error", "Duplicate entry '7' for key 'PRIMARY'");
        mariadb.put("Using_Gtid", "No");
        mariadb.put("Gtid_IO_Pos", "");
        mariadb.put("SQL_Delay", "0");
        ReplicaStatus maria = ReplicaStatusRow.toStatus(mariadb);
        assertTrue(maria.ioRunning());
        assertFalse(maria.sqlRunning());
        assertEquals(0L, maria.secondsBehindSource());
        assertEquals(40001, maria.sourcePort());
        assertEquals(1062, maria.lastSqlErrno());
        assertFalse(maria.usingGtid());
        assertEquals("", maria.gtidPosition());
        assertEquals(0, maria.sqlDelaySeconds());

        mariadb.put("Using_Gtid", "Slave_Pos");
        mariadb.put("Gtid_IO_Pos", "0-100-7");
        assertTrue(ReplicaStatusRow.toStatus(mariadb).usingGtid());
        assertEquals("0-100-7", ReplicaStatusRow.toStatus(mariadb).gtidPosition());
    }
}
