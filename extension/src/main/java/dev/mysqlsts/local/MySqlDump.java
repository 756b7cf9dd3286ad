package dev.mysqlsts.local;

import dev.mysqlsts.backend.PodEndpoint;
import dev.mysqlsts.replication.Dialect;
import java.util.ArrayList;
import java.util.List;

/**
 * The clone-from-previous-peer step on MySQL: {@code mysqldump} of the source's user databases with its binlog
 * coordinates, loaded with the {@code mysql} client. Options checked against mysql/mysql-server
 * {@code client/mysqldump.cc} and the MySQL 8.0 and 8.4 reference manuals (mysqldump):
 * <ul>
 *   <li>{@code --single-transaction}: one consistent InnoDB snapshot, the global read lock held only while the
 *       coordinates are read;</li>
 *   <li>{@code --source-data=2} from the leader, {@code --dump-replica=2} from a follower (the names of 8.0.26 on;
 *       {@code --master-data=2} / {@code --dump-slave=2} before, deprecated since): the coordinates as a commented
 *       {@code CHANGE REPLICATION SOURCE TO SOURCE_LOG_FILE=..., SOURCE_LOG_POS=...} (before 8.0.26
 *       {@code CHANGE MASTER TO MASTER_LOG_FILE=..., MASTER_LOG_POS=...}); from a follower, its source's
 *       coordinates of what it applied, so the new pod replicates from ordinal 0;</li>
 *   <li>{@code --set-gtid-purged=ON} when the sidecar replicates by GTID (mysqldump then fails clearly where
 *       gtid_mode is OFF), else {@code AUTO}: with GTIDs on, the dump starts with {@code SET @@SESSION.SQL_LOG_BIN=0}
 *       and sets {@code @@GLOBAL.GTID_PURGED} to the source's gtid_executed, which is what
 *       {@code SOURCE_AUTO_POSITION=1} then continues from;</li>
 *   <li>{@code --databases} with the user databases: mysqldump has no {@code --ignore-database} (a MariaDB option),
 *       and the {@code mysql} schema must not overwrite the new pod's accounts;</li>
 *   <li>{@code --ssl-mode=DISABLED --get-server-public-key}: see {@link ServerFamily#clientConnection()}.</li>
 * </ul>
 */
final class MySqlDump {

    private MySqlDump() {
    }

    static List<String> dumpCommand(ServerBinaries binaries, PodEndpoint from, boolean fromLeader, boolean withGtid,
                                    String accountOption, List<String> databases) {
        boolean newNames = Dialect.of(binaries.version()).mysqlAtLeast(8, 0, 26);
        List<String> command = new ArrayList<>(List.of(binaries.dump().toString(), accountOption,
                "--host=" + from.host(), "--port=" + from.port()));
        command.addAll(ServerFamily.MYSQL.clientConnection());
        command.addAll(List.of("--single-transaction", "--routines", "--events", "--triggers",
                fromLeader ? (newNames ? "--source-data=2" : "--master-data=2")
                        : (newNames ? "--dump-replica=2" : "--dump-slave=2"),
                "--set-gtid-purged=" + (withGtid ? "ON" : "AUTO"), "--databases"));
        command.addAll(databases);
        return command;
    }

    static List<String> loadCommand(ServerBinaries binaries, PodEndpoint to, String accountOption) {
        List<String> command = new ArrayList<>(List.of(binaries.client().toString(), accountOption,
                "--host=" + to.host(), "--port=" + to.port()));
        command.addAll(ServerFamily.MYSQL.clientConnection());
        return command;
    }

    /**
     * Before a load into a follower: its config's {@code super_read_only} refuses every write, the admin account's
     * included (sql/auth/sql_authorization.cc, check_readonly), so it is switched off for the load; {@code read_only}
     * stays on. The pod is not Ready yet, so no client of the test can write meanwhile.
     */
    static final String READ_SUPER_READ_ONLY = "SELECT @@GLOBAL.super_read_only AS value";
    static final String SUPER_READ_ONLY_OFF = "SET GLOBAL super_read_only = OFF";
    static final String SUPER_READ_ONLY_ON = "SET GLOBAL super_read_only = ON";
}
