package dev.mysqlsts.local;

import dev.mysqlsts.replication.BinlogPosition;
import dev.mysqlsts.replication.Replication;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The manifests' {@code xtrabackup} sidecar, step for step: find the binlog coordinates the clone left in the
 * data directory ({@code xtrabackup_slave_info} from a follower, else {@code xtrabackup_binlog_info} from the
 * leader, else the logical clone's {@code change_master_to.sql.in}), rename the file so that this happens at
 * most once even across restarts, then {@code CHANGE MASTER TO} those coordinates on ordinal 0 and
 * {@code START SLAVE}.
 */
final class ReplicationSidecar {

    private static final Pattern BINLOG_INFO = Pattern.compile("^(\\S+)\\s+(\\d+)");
    private static final Pattern CHANGE_MASTER =
            Pattern.compile("MASTER_LOG_FILE\\s*=\\s*'([^']+)'\\s*,\\s*MASTER_LOG_POS\\s*=\\s*(\\d+)", Pattern.CASE_INSENSITIVE);

    private ReplicationSidecar() {
    }

    /**
     * @return the coordinates replication was started from, or empty when the data directory held none (no
     *     clone, or a restart after the first start)
     */
    static Optional<BinlogPosition> run(Path data, String adminUrl, String sourceHost, int sourcePort) {
        try {
            Path slaveInfo = data.resolve("xtrabackup_slave_info");
            Path binlogInfo = data.resolve("xtrabackup_binlog_info");
            Path pending = data.resolve(LogicalClone.CHANGE_MASTER_FILE);
            if (Files.exists(slaveInfo)) {
                Files.move(slaveInfo, pending);
                Files.deleteIfExists(binlogInfo);
            } else if (Files.exists(binlogInfo)) {
                Matcher matcher = BINLOG_INFO.matcher(Files.readString(binlogInfo).trim());
                if (!matcher.find()) {
                    throw new LocalBackendException("cannot parse " + binlogInfo + ": " + Files.readString(binlogInfo));
                }
                Files.delete(binlogInfo);
                Files.writeString(pending, "CHANGE MASTER TO MASTER_LOG_FILE='" + matcher.group(1)
                        + "', MASTER_LOG_POS=" + matcher.group(2) + "\n");
            }
            if (!Files.exists(pending)) {
                return Optional.empty();
            }
            Path orig = data.resolve("change_master_to.sql.orig");
            Files.move(pending, orig);
            Matcher coordinates = CHANGE_MASTER.matcher(Files.readString(orig));
            if (!coordinates.find()) {
                throw new LocalBackendException("no binlog coordinates in " + orig + ": " + Files.readString(orig));
            }
            BinlogPosition position = new BinlogPosition(coordinates.group(1), Long.parseLong(coordinates.group(2)));
            Replication.startFrom(adminUrl, position, sourceHost, sourcePort);
            return Optional.of(position);
        } catch (IOException e) {
            throw new UncheckedIOException("replication sidecar failed in " + data, e);
        }
    }
}
