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
import java.util.Optional;

/**
 * Why a follower's replication is stopped without an error in its replica status: the server says it in its error
 * log only (a crash restart whose replication could not be initialised: "Failed to initialize the master info
 * structure", a relay log it cannot open). The last replication lines of the pod's error log, where the test JVM can
 * read it (LOCAL; on K3S the log is inside the container: empty).
 */
final class ReplicationLogLines {

    private static final int SCANNED = 400;
    private static final int SHOWN = 6;
    private static final List<String> WORDS = List.of("slave", "master", "relay", "replica", "gtid");
    /**
     * MariaDB 10.11 after a crash soon after a replication start by GTID (which purged the relay logs that
     * relay-log.info still names): the server serves with replication stopped and no error in its status.
     */
    private static final String TARGET_LOG_NOT_FOUND = "Could not find target log during relay log initialization";
    private static final String REMEDY = " (MariaDB leaves a follower crashed just after a GTID replication start "
            + "so; relay-log-recovery in the config of both roles avoids it: the server drops its relay logs at start)";

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
            return Optional.of(shown.contains(TARGET_LOG_NOT_FOUND) ? shown + REMEDY : shown);
        } catch (SQLException | IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
