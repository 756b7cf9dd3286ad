package dev.mysqlsts.local;

import dev.mysqlsts.backend.PodEndpoint;
import dev.mysqlsts.manifest.ClusterSpec.ChangeMasterOption;
import dev.mysqlsts.replication.Dialect;
import dev.mysqlsts.replication.Replication;
import dev.mysqlsts.replication.Sql;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The manifests' {@code xtrabackup} sidecar, step for step: find the binlog coordinates the clone left in the
 * data directory ({@code xtrabackup_slave_info} from a follower, else {@code xtrabackup_binlog_info} from the
 * leader, else the logical clone's {@code change_master_to.sql.in}), rename the file so that this happens at
 * most once even across restarts, then {@code CHANGE MASTER TO} those coordinates (or, when the sidecar's script
 * says {@code MASTER_USE_GTID}, the clone's GTID position) on ordinal 0 with the script's options, and
 * {@code START SLAVE}. What was applied as written and what the harness changed is logged.
 */
final class ReplicationSidecar {

    private static final Logger LOG = LoggerFactory.getLogger(ReplicationSidecar.class);
    /** {@code <file> <position> [<gtid>]}: mariabackup adds the GTID position (MariaDB's extras/mariabackup). */
    private static final Pattern BINLOG_INFO = Pattern.compile("^(\\S+)\\s+(\\d+)(?:\\s+(\\S+))?");
    private static final Pattern CHANGE_MASTER =
            Pattern.compile("MASTER_LOG_FILE\\s*=\\s*'([^']+)'\\s*,\\s*MASTER_LOG_POS\\s*=\\s*(\\d+)", Pattern.CASE_INSENSITIVE);
    /** MariaDB's {@code gtid_slave_pos}, MySQL's {@code gtid_purged} (see {@link CloneCoordinates}). */
    private static final Pattern GTID = Pattern.compile("(?:gtid_slave_pos|gtid_purged)\\s*=\\s*'([^']*)'",
            Pattern.CASE_INSENSITIVE);

    private ReplicationSidecar() {
    }

    /**
     * @return where replication was started from ({@code file:position} or {@code GTID ...}), or empty when the data
     *     directory held no coordinates (no clone, or a restart after the first start)
     */
    static Optional<String> run(String podName, Path data, String adminUrl, PodEndpoint source,
                                List<ChangeMasterOption> options) {
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
                Files.writeString(pending, (matcher.group(3) == null ? "" : "SET GLOBAL gtid_slave_pos = '"
                        + matcher.group(3) + "';\n") + "CHANGE MASTER TO MASTER_LOG_FILE='" + matcher.group(1)
                        + "', MASTER_LOG_POS=" + matcher.group(2) + "\n");
            }
            if (!Files.exists(pending)) {
                return Optional.empty();
            }
            Path orig = data.resolve("change_master_to.sql.orig");
            Files.move(pending, orig);
            String text = Files.readString(orig);
            Matcher coordinates = CHANGE_MASTER.matcher(text);
            Matcher gtidMatcher = GTID.matcher(text);
            String gtid = gtidMatcher.find() ? gtidMatcher.group(1) : null;
            String file = null;
            long position = 0;
            if (coordinates.find()) {
                file = coordinates.group(1);
                position = Long.parseLong(coordinates.group(2));
            } else if (gtid != null && SidecarStatement.gtidMode(options).isEmpty()) {
                // a clone of a follower that replicates by GTID (after a promotion): mariabackup's slave_info says
                // "SET GLOBAL gtid_slave_pos = ...; CHANGE MASTER TO master_use_gtid = slave_pos", which the seed's
                // script completes as written, so the new pod replicates by GTID too
                options = new ArrayList<>(options);
                options.add(new ChangeMasterOption("MASTER_USE_GTID", "slave_pos"));
            } else if (gtid == null) {
                throw new LocalBackendException("no binlog coordinates in " + orig + ": " + text);
            }
            boolean gtidMode = SidecarStatement.gtidMode(options).isPresent();
            Dialect dialect = Replication.dialect(adminUrl);
            boolean mysql = dialect.family() == Dialect.Family.MYSQL;
            if (gtidMode && gtid == null && !mysql) {
                // MySQL's SOURCE_AUTO_POSITION needs no position: the clone's load already set gtid_purged
                gtid = gtidOf(source, file, position);
            }
            SidecarStatement.Plan plan = SidecarStatement.plan(options, source.host(), source.port(),
                    source.userPassword(), file, position, gtid, dialect);
            Sql.execute(adminUrl, Replication.STATEMENT_TIMEOUT, plan.statements().toArray(String[]::new));
            LOG.info("{} sidecar: {}; applied as written: {}; changed by the harness: {}", podName,
                    String.join("; ", plan.shown()), plan.applied().isEmpty() ? "nothing" : String.join(", ", plan.applied()),
                    plan.changed().isEmpty() ? "nothing" : String.join(", ", plan.changed()));
            if (plan.gtidMode().isPresent() && mysql) {
                return Optional.of("GTID (SOURCE_AUTO_POSITION=1" + (gtid == null ? "" : ", gtid_purged " + gtid) + ")");
            }
            return Optional.of(plan.gtidMode().isPresent() ? "GTID " + gtid + " (MASTER_USE_GTID=" + plan.gtidMode().get() + ")"
                    : file + ":" + position);
        } catch (IOException e) {
            throw new UncheckedIOException("replication sidecar failed in " + data, e);
        }
    }

    /** The GTID position of binlog coordinates, asked of the source (BINLOG_GTID_POS). */
    private static String gtidOf(PodEndpoint source, String file, long position) {
        List<Map<String, String>> rows = Sql.rows(source.adminJdbcUrl(), Replication.STATEMENT_TIMEOUT,
                "SELECT BINLOG_GTID_POS('" + file.replace("'", "''") + "', " + position + ") AS gtid");
        String gtid = rows.get(0).get("gtid");
        if (gtid == null) {
            throw new LocalBackendException(source.name() + " cannot map " + file + ":" + position + " to a GTID "
                    + "position (its binlog no longer has it); the clone carried no GTID position");
        }
        return gtid;
    }
}
