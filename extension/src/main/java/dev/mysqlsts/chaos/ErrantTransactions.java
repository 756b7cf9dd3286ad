package dev.mysqlsts.chaos;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Errant transactions: GTIDs a follower has that the leader lacks. The only SQL of the ledger that differs between
 * MariaDB and MySQL, kept here.
 * <ul>
 * <li>MariaDB (what LOCAL runs): a GTID is {@code domain-server-sequence}; {@code @@gtid_binlog_state} holds the
 * last GTID per domain and server of the binary log, {@code @@gtid_slave_pos} the last one applied by replication
 * per domain (MariaDB Knowledge Base, "Global Transaction ID", and {@code sql/rpl_gtid.cc}). A follower's GTID is
 * errant when the leader has no GTID of that domain and server at or beyond its sequence number.</li>
 * <li>MySQL 5.7/8.x (K3S with {@code mysql:*} images): {@code GTID_SUBTRACT(@@GLOBAL.gtid_executed, leader's
 * gtid_executed)} on the follower (MySQL Reference Manual, "Functions Used with Global Transaction Identifiers");
 * empty when GTIDs are off.</li>
 * </ul>
 */
final class ErrantTransactions {

    private ErrantTransactions() {
    }

    /** What the leader has, in the form {@link #beyond} compares against. */
    static String leaderState(Connection leader) throws SQLException {
        if (isMariaDb(leader)) {
            return single(leader, "SELECT CONCAT_WS(',', NULLIF(@@global.gtid_binlog_state, ''), "
                    + "NULLIF(@@global.gtid_slave_pos, ''))");
        }
        return single(leader, "SELECT @@GLOBAL.gtid_executed");
    }

    /** The follower's GTIDs that {@code leaderState} lacks, as text ({@code 0-100-5..9}); empty when none. */
    static List<String> beyond(Connection follower, String leaderState) throws SQLException {
        if (isMariaDb(follower)) {
            String own = single(follower, "SELECT CONCAT_WS(',', NULLIF(@@global.gtid_binlog_state, ''), "
                    + "NULLIF(@@global.gtid_slave_pos, ''))");
            return mariaDbBeyond(own, leaderState);
        }
        try (PreparedStatement sql = follower.prepareStatement("SELECT GTID_SUBTRACT(@@GLOBAL.gtid_executed, ?)")) {
            sql.setString(1, leaderState == null ? "" : leaderState);
            try (ResultSet rs = sql.executeQuery()) {
                rs.next();
                String errant = rs.getString(1);
                return errant == null || errant.isBlank() ? List.of() : List.of(errant.replace("\n", ""));
            }
        }
    }

    /** MariaDB: the GTIDs of {@code own} (per domain and server) beyond what {@code reference} has. */
    static List<String> mariaDbBeyond(String own, String reference) {
        Map<String, Long> known = lastPerDomainAndServer(reference);
        List<String> errant = new ArrayList<>();
        lastPerDomainAndServer(own).forEach((domainServer, sequence) -> {
            Long have = known.get(domainServer);
            if (have == null) {
                errant.add(domainServer + "-" + sequence);
            } else if (sequence > have) {
                errant.add(domainServer + "-" + (have + 1 == sequence ? sequence + "" : (have + 1) + ".." + sequence));
            }
        });
        return errant;
    }

    private static Map<String, Long> lastPerDomainAndServer(String gtids) {
        Map<String, Long> last = new TreeMap<>();
        if (gtids == null || gtids.isBlank()) {
            return last;
        }
        for (String gtid : gtids.split(",")) {
            String[] parts = gtid.trim().split("-");
            if (parts.length == 3) {
                last.merge(parts[0] + "-" + parts[1], Long.parseLong(parts[2]), Math::max);
            }
        }
        return last;
    }

    private static boolean isMariaDb(Connection connection) throws SQLException {
        return single(connection, "SELECT VERSION()").contains("MariaDB");
    }

    private static String single(Connection connection, String query) throws SQLException {
        try (Statement sql = connection.createStatement(); ResultSet rs = sql.executeQuery(query)) {
            rs.next();
            String value = rs.getString(1);
            return value == null ? "" : value;
        }
    }
}
