package dev.mysqlsts.chaos;

import dev.mysqlsts.MySqlPod;
import dev.mysqlsts.statements.StatementLog;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Why a follower's replication is stopped without an error in its replica status: the server says it in its error
 * log only (a crash restart whose replication could not be initialised: "Failed to initialize the master info
 * structure", a relay log it cannot open; an IO thread that could not write master.info). The last replication lines of the pod's error log, where the test JVM can
 * read it (LOCAL; on K3S the log is inside the container: empty).
 */
final class ReplicationLogLines {

    private static final int SCANNED = 400;
    private static final int SHOWN = 6;
    private static final List<String> WORDS = List.of("slave", "master", "relay", "replica", "gtid");
    /**
     * What MariaDB 10.11 writes only to its error log when it leaves replication stopped without an error in the
     * replica status, and what the user can do about it.
     */
    private static final Map<String, String> REMEDIES = Map.of(
            // after a crash soon after a replication start by GTID, which purged the relay logs that relay-log.info
            // still names
            "Could not find target log during relay log initialization",
            " (MariaDB leaves a follower crashed just after a GTID replication start so; relay-log-recovery in the "
                    + "config of both roles avoids it: the server drops its relay logs at start)",
            // sql/slave.cc, handle_slave_io: replicating by file and position, the IO thread writes master.info after
            // every event it receives, heartbeats too, and exits without mi->report() when that write fails
            "Failed to flush master info file",
            " (replicating by binary log file and position, MariaDB writes master.info after every event it receives, "
                    + "heartbeats included, and stops the IO thread without an error in its status when that write "
                    + "fails, as on a full disk; nothing starts it again: START SLAVE once there is space, or replicate "
                    + "by GTID (MASTER_USE_GTID=slave_pos), which does not write master.info per event)");

    private ReplicationLogLines() {
    }

    static Optional<String> of(MySqlPod pod) {
        try (Connection c = LedgerTable.connect(StatementLog.unrecorded(pod.jdbcUrl()), LedgerTable.READ_SOCKET_TIMEOUT);
             Statement sql = c.createStatement(); ResultSet row = sql.executeQuery("SELECT @@log_error")) {
            String path = row.next() ? row.getString(1) : null;
            if (path == null || path.isEmpty() || !Files.isReadable(Path.of(path))) {
                return Optional.empty();
            }
            List<String> lines = Files.readAllLines(Path.of(path), StandardCharsets.ISO_8859_1);
            List<String> picked = new ArrayList<>();
            for (String line : lines.subList(Math.max(0, lines.size() - SCANNED), lines.size())) {
                String lower = line.toLowerCase(Locale.ROOT);
                if (WORDS.stream().anyMatch(lower::contains)) {
                    picked.add(line.strip());
                }
            }
            if (picked.isEmpty()) {
                return Optional.empty();
            }
            String shown = String.join(" | ", picked.subList(Math.max(0, picked.size() - SHOWN), picked.size()));
            return Optional.of(shown + REMEDIES.entrySet().stream().filter(known -> shown.contains(known.getKey()))
                    .map(Map.Entry::getValue).findFirst().orElse(""));
        } catch (SQLException | IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
