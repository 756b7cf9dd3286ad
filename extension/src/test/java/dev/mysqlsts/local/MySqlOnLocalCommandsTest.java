package dev.mysqlsts.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mysqlsts.backend.PodEndpoint;
import dev.mysqlsts.manifest.ClusterSpec.ChangeMasterOption;
import dev.mysqlsts.manifest.ManifestLoader;
import dev.mysqlsts.replication.Dialect;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the LOCAL backend runs on MySQL 8.0.36 and 8.4.3 rather than MariaDB, without a server: the initialisation
 * command, the options around the ConfigMap's, the init file, the clone's mysqldump and load, and the sidecar's
 * statements. Each expected line is the one checked against MySQL's source or manual (named in the main classes).
 */
class MySqlOnLocalCommandsTest {

    private static final Path BASE = Path.of("/usr");
    private static final ServerBinaries MYSQL_80 = mysql("8.0.36");
    private static final ServerBinaries MYSQL_84 = mysql("8.4.3");
    private static final ServerBinaries MYSQL_8025 = mysql("8.0.25");
    private static final ServerBinaries MARIADB = new ServerBinaries("test", BASE, Path.of("/usr/sbin/mariadbd"),
            Path.of("/usr/bin/mariadb-install-db"), Path.of("/usr/bin/mariadb"), Path.of("/usr/bin/mariadb-dump"),
            null, null, "10.11.6-MariaDB");
    private static final PodEndpoint FROM = new PodEndpoint(0, "mysql-0", "127.0.0.1", 40001, "mysqlsts_admin", "s", "");
    private static final PodEndpoint TO = new PodEndpoint(1, "mysql-1", "127.0.0.1", 40002, "mysqlsts_admin", "s", "");

    private static ServerBinaries mysql(String version) {
        return new ServerBinaries("test", BASE, Path.of("/usr/sbin/mysqld"), null, Path.of("/usr/bin/mysql"),
                Path.of("/usr/bin/mysqldump"), null, null, version, ServerFamily.MYSQL);
    }

    @Test
    void mySqlInitialisesItsOwnDataDirectory(@TempDir Path dir) {
        List<String> command = ServerFamily.MYSQL.initialise(MYSQL_80, dir.resolve("data"));

        List<String> expected = new java.util.ArrayList<>(List.of("/usr/sbin/mysqld", "--no-defaults",
                "--initialize-insecure", "--basedir=/usr", "--datadir=" + dir.resolve("data"),
                "--secure-file-priv=" + dir.resolve("var/lib/mysql-files")));
        if (ServerProcess.runningAsRoot()) {
            expected.add("--user=root");
        }
        assertEquals(expected, command);
        assertTrue(ServerFamily.mysqlAccounts("mysqlsts_admin").contains("CREATE USER 'root'@'%' IDENTIFIED BY '';\n"
                + "GRANT ALL PRIVILEGES ON *.* TO 'root'@'%' WITH GRANT OPTION;"));
        assertTrue(ServerFamily.MARIADB.initialise(MARIADB, dir.resolve("data")).get(0).endsWith("mariadb-install-db"));
    }

    @Test
    void eachMySqlPodHasItsOwnSecureFilePrivDirectory(@TempDir Path dir) {
        PodDirectory pod = new PodDirectory(dir.resolve("mysql-1"));

        assertEquals(List.of("secure-file-priv=" + pod.rootFs().resolve("var/lib/mysql-files")),
                ServerFamily.MYSQL.podDefaults(pod));
        assertTrue(java.nio.file.Files.isDirectory(pod.rootFs().resolve("var/lib/mysql-files")));
        assertEquals(List.of(), ServerFamily.MARIADB.podDefaults(pod));
    }

    @Test
    void mySqlsConfigHasNoMariaDbOptionsAndSwitchesTheXPluginOff() {
        assertEquals(List.of("relay-log=mysql-2-relay-bin", "skip-name-resolve"), ServerFamily.MYSQL.configHeader("mysql-2"));
        assertEquals(List.of("mysqlx=0"), ServerFamily.MYSQL.placement());
        assertEquals(List.of("log-basename=mysql-2", "skip-name-resolve", "skip-ssl"), ServerFamily.MARIADB.configHeader("mysql-2"));
        assertEquals(List.of(), ServerFamily.MARIADB.placement());
    }

    @Test
    void theNetTimeoutKeepsMySqlsNameOfEachVersion() {
        assertEquals(List.of("replica-net-timeout=4", "innodb-flush-method=fsync"), PodEnvironment.harnessOptions(MYSQL_80));
        assertEquals(List.of("replica-net-timeout=4", "innodb-flush-method=fsync"), PodEnvironment.harnessOptions(MYSQL_84));
        assertEquals(List.of("slave-net-timeout=4", "innodb-flush-method=fsync"), PodEnvironment.harnessOptions(MYSQL_8025));
        assertEquals(List.of("slave-net-timeout=4", "innodb-flush-method=fsync"), PodEnvironment.harnessOptions(MARIADB));
    }

    @Test
    void myPrintDefaultsIsGivenTheGroupsMysqldReads() {
        assertEquals(List.of("mysqld", "server", "mysqld-8.4"), ServerFamily.MYSQL.printDefaultsGroups("8.4.3"));
        assertEquals(List.of("mysqld", "server", "mysqld-8.0"), ServerFamily.MYSQL.printDefaultsGroups("8.0.36-0ubuntu0.24.04.1"));
        assertEquals(List.of("--mysqld"), ServerFamily.MARIADB.printDefaultsGroups("10.11.6-MariaDB"));
    }

    @Test
    void theInitFileLiftsSuperReadOnlyForItsOwnStatementsOnlyOnMySql() {
        String init = ServerFamily.MYSQL.adminInit("mysqlsts_admin", "secret", "");

        assertEquals("SET sql_log_bin = 0;\n"
                + "SET @mysqlsts_super_read_only = @@GLOBAL.super_read_only;\n"
                + "SET GLOBAL super_read_only = OFF;\n"
                + "ALTER USER 'mysqlsts_admin'@'127.0.0.1' IDENTIFIED BY 'secret';\n"
                + "ALTER USER 'root'@'localhost' IDENTIFIED BY '';\n"
                + "ALTER USER 'root'@'%' IDENTIFIED BY '';\n"
                + "SET GLOBAL super_read_only = @mysqlsts_super_read_only;\n", init);
        assertFalse(init.contains("NOT ATOMIC"), init);
        assertTrue(ServerFamily.MARIADB.adminInit("mysqlsts_admin", "secret", "").contains("BEGIN NOT ATOMIC"));
    }

    @Test
    void theCloneIsAMysqldumpWithTheCoordinatesOfEachVersion() {
        assertEquals(List.of("/usr/bin/mysqldump", "--defaults-file=/a.cnf", "--host=127.0.0.1", "--port=40001",
                "--ssl-mode=DISABLED", "--get-server-public-key", "--single-transaction", "--routines", "--events",
                "--triggers", "--source-data=2", "--set-gtid-purged=ON", "--databases", "app", "shop"),
                MySqlDump.dumpCommand(MYSQL_80, FROM, true, true, "--defaults-file=/a.cnf", List.of("app", "shop")));
        assertTrue(MySqlDump.dumpCommand(MYSQL_84, FROM, false, false, "--defaults-file=/a.cnf", List.of("app"))
                .containsAll(List.of("--dump-replica=2", "--set-gtid-purged=AUTO")));
        assertTrue(MySqlDump.dumpCommand(MYSQL_8025, FROM, true, false, "--defaults-file=/a.cnf", List.of("app"))
                .contains("--master-data=2"));
        assertEquals(List.of("/usr/bin/mysql", "--defaults-file=/b.cnf", "--host=127.0.0.1", "--port=40002",
                "--ssl-mode=DISABLED", "--get-server-public-key"), MySqlDump.loadCommand(MYSQL_80, TO, "--defaults-file=/b.cnf"));
        assertFalse(MYSQL_80.hasPhysicalBackup(), "mariabackup is never chosen for MySQL");
    }

    /** The head of a mysqldump 8.0.26+ dump with --source-data=2, as MySQL 8.0's mysqldump writes it. */
    @Test
    void theCoordinatesAreReadFromMysqldumpsCommentedChangeReplicationSource(@TempDir Path dir) throws Exception {
        Path dump = java.nio.file.Files.writeString(dir.resolve("clone.sql"), "-- MySQL dump 10.13  Distrib 8.0.41\n"
                + "SET @@SESSION.SQL_LOG_BIN= 0;\n"
                + "SET @@GLOBAL.GTID_PURGED=/*!80000 '+'*/ '3e11fa47-71ca-11e1-9e33-c80aa9429562:1-12';\n"
                + "--\n-- Position to start replication or point-in-time recovery from\n--\n\n"
                + "-- CHANGE REPLICATION SOURCE TO SOURCE_LOG_FILE='mysql-0-bin.000002', SOURCE_LOG_POS=4152;\n");

        assertEquals("CHANGE MASTER TO MASTER_LOG_FILE='mysql-0-bin.000002', MASTER_LOG_POS=4152",
                LogicalClone.coordinates(dump, "mysql-0", false));
    }

    @Test
    void theLeanCloneFileCarriesMySqlsGtidSetForTheSidecar() {
        assertEquals("SET GLOBAL gtid_purged = '3E11FA47-71CA-11E1-9E33-C80AA9429562:1-5';\n"
                        + "CHANGE MASTER TO MASTER_LOG_FILE='binlog.000002', MASTER_LOG_POS=157\n",
                CloneCoordinates.text(Dialect.of("8.0.36"), "binlog.000002", "157",
                        "3E11FA47-71CA-11E1-9E33-C80AA9429562:1-5\n", true));
    }

    @Test
    void theLeanCloneFileCarriesMariaDbsGtidPositionWhereMySqlsCarriesItsSet() {
        assertEquals("SET GLOBAL gtid_slave_pos = '0-100-5';\n"
                        + "CHANGE MASTER TO MASTER_LOG_FILE='mysql-0-bin.000001', MASTER_LOG_POS=1042\n",
                CloneCoordinates.text(Dialect.of("10.11.6-MariaDB"), "mysql-0-bin.000001", "1042", "0-100-5", true));
        assertEquals("CHANGE MASTER TO MASTER_LOG_FILE='mysql-0-bin.000001', MASTER_LOG_POS=1042\n",
                CloneCoordinates.text(Dialect.of("11.4.5-MariaDB"), "mysql-0-bin.000001", "1042", "0-100-5", false));
    }

    @Test
    void theSeedsSidecarSpeaksChangeReplicationSourceToOnMySql() {
        List<ChangeMasterOption> seed = ManifestLoader.load("", 3).changeMasterOptions();

        SidecarStatement.Plan plan = SidecarStatement.plan(seed, "127.0.0.1", 41000, "", "binlog.000002", 157, null,
                Dialect.of("8.0.36"));

        assertEquals(List.of("CHANGE REPLICATION SOURCE TO SOURCE_LOG_FILE='binlog.000002', SOURCE_LOG_POS=157, "
                + "SOURCE_HOST='127.0.0.1', SOURCE_PORT=41000, SOURCE_USER='root', SOURCE_PASSWORD='', "
                + "SOURCE_CONNECT_RETRY=1, SOURCE_SSL=0, GET_SOURCE_PUBLIC_KEY=1", "START REPLICA"), plan.statements());
        SidecarStatement.Plan mariadb = SidecarStatement.plan(seed, "127.0.0.1", 41000, "", "mysql-0-bin.000002", 157, null,
                Dialect.of("10.11.6-MariaDB"));
        assertEquals("START SLAVE", mariadb.statements().get(1));
        assertTrue(mariadb.statements().get(0).startsWith("CHANGE MASTER TO MASTER_LOG_FILE='mysql-0-bin.000002'"),
                mariadb.statements().toString());
    }

    @Test
    void aGtidSidecarKeepsSourceAutoPositionOnMySqlAndBecomesUseGtidOnMariaDb() {
        List<ChangeMasterOption> gtid = ManifestLoader.load("classpath:manifests-fixtures/mysql8-gtid", 3)
                .changeMasterOptions();

        SidecarStatement.Plan plan = SidecarStatement.plan(gtid, "127.0.0.1", 41000, "", "binlog.000002", 157,
                "3E11FA47-71CA-11E1-9E33-C80AA9429562:1-5", Dialect.of("8.4.3"));

        assertEquals(List.of("SET @mysqlsts_super_read_only = @@GLOBAL.super_read_only",
                "SET GLOBAL super_read_only = OFF",
                "SET GLOBAL gtid_purged = '3E11FA47-71CA-11E1-9E33-C80AA9429562:1-5'",
                "SET GLOBAL super_read_only = @mysqlsts_super_read_only",
                "CHANGE REPLICATION SOURCE TO SOURCE_AUTO_POSITION=1, SOURCE_HOST='127.0.0.1', SOURCE_PORT=41000, "
                        + "SOURCE_USER='root', SOURCE_PASSWORD='', SOURCE_CONNECT_RETRY=1, SOURCE_SSL=0, "
                        + "GET_SOURCE_PUBLIC_KEY=1",
                "START REPLICA"), plan.statements());
        SidecarStatement.Plan mariadb = SidecarStatement.plan(gtid, "127.0.0.1", 41000, "", "f", 4, "0-100-5",
                Dialect.of("11.4.5-MariaDB"));
        assertEquals("SET GLOBAL gtid_slave_pos = '0-100-5'", mariadb.statements().get(0));
        assertTrue(mariadb.statements().get(1).contains("MASTER_USE_GTID=slave_pos"), mariadb.statements().toString());
    }
}
