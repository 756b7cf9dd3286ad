package dev.mysqlsts.local;

import dev.mysqlsts.manifest.ClusterSpec.ChangeMasterOption;
import dev.mysqlsts.replication.Dialect;
import dev.mysqlsts.replication.Replication;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The sidecar's statement on a MySQL 8.0.23+ follower, in MySQL's own words: {@code CHANGE REPLICATION SOURCE TO} with
 * {@code SOURCE_*} options and {@code START REPLICA} (MySQL 8.0 reference manual, "CHANGE REPLICATION SOURCE TO
 * Statement", added in 8.0.23; 8.4 removed {@code CHANGE MASTER TO} and {@code START SLAVE}; sql/sql_yacc.yy,
 * source_def). The harness owns the same options as on MariaDB ({@link SidecarStatement#HARNESS_OWNED}); the script's
 * {@code MASTER_AUTO_POSITION=1} stays MySQL's {@code SOURCE_AUTO_POSITION=1} (without {@code SOURCE_LOG_FILE} /
 * {@code SOURCE_LOG_POS}, which MySQL refuses beside it), MariaDB's {@code MASTER_USE_GTID} becomes it. The
 * harness adds {@code GET_SOURCE_PUBLIC_KEY=1}: without TLS, caching_sha2_password (MySQL 8's default) sends a
 * non-empty password only RSA-encrypted with the source's public key (sql/auth/sha2_password.cc), needed when root
 * has a random password ({@code mysqlsts.rootPassword=random}). It exists from 8.0.23 on, as every option's SOURCE
 * alias does (WL#14189, "Replace old terms in CHANGE MASTER TO": its token stands among the 8.0.23 SOURCE_* tokens of
 * sql/sql_yacc.yy; a client grammar that gates it at 8.0.24 is looser than the server).
 */
final class MySqlSidecarStatement {

    private MySqlSidecarStatement() {
    }

    static SidecarStatement.Plan plan(List<ChangeMasterOption> options, String sourceHost, int sourcePort,
                                      String password, String file, long position, String gtid, Dialect dialect) {
        List<ChangeMasterOption> named = options.stream().map(MySqlSidecarStatement::masterName).toList();
        Optional<String> gtidMode = gtidMode(named);
        List<String> applied = new ArrayList<>();
        List<String> changed = new ArrayList<>();
        List<String> parts = new ArrayList<>();
        if (gtidMode.isEmpty()) {
            parts.add("MASTER_LOG_FILE='" + file.replace("'", "''") + "'");
            parts.add("MASTER_LOG_POS=" + position);
        } else {
            parts.add("MASTER_AUTO_POSITION=1");
        }
        parts.addAll(SidecarStatement.connection(sourceHost, sourcePort, password));
        for (ChangeMasterOption option : named) {
            String name = option.name();
            if (SidecarStatement.HARNESS_OWNED.contains(name)) {
                if (!SidecarStatement.isSame(option, password)) {
                    changed.add(option + " -> set by the harness (the link proxy to the leader, root, a "
                            + Replication.CONNECT_RETRY_SECONDS + " s retry, no TLS, the clone's coordinates)");
                }
            } else if (name.equals("MASTER_AUTO_POSITION")) {
                if (gtidMode.isPresent()) {
                    applied.add("SOURCE_AUTO_POSITION=1");
                }
            } else if (name.equals("MASTER_USE_GTID")) {
                changed.add(option + (gtidMode.isPresent() ? " -> SOURCE_AUTO_POSITION=1 (MySQL's GTID positioning)"
                        : " dropped (MySQL has no MASTER_USE_GTID)"));
            } else if (name.startsWith("MASTER_")) {
                parts.add(option.toString());
                applied.add(option.toString());
            } else {
                changed.add(option + " dropped (not an option of CHANGE REPLICATION SOURCE TO the harness knows)");
            }
        }
        changed.add("GET_SOURCE_PUBLIC_KEY=1 added (caching_sha2_password without TLS)");
        List<String> statements = new ArrayList<>();
        if (gtidMode.isPresent() && gtid != null && !gtid.isEmpty()) {
            // a lean clone: the source's gtid_executed becomes this follower's gtid_purged; super_read_only is off for
            // it, as for a dump's load (see MySqlDump), and back as the config had it
            statements.add("SET @mysqlsts_super_read_only = @@GLOBAL.super_read_only");
            statements.add("SET GLOBAL super_read_only = OFF");
            statements.add("SET GLOBAL gtid_purged = '" + gtid.replace("'", "''") + "'");
            statements.add("SET GLOBAL super_read_only = @mysqlsts_super_read_only");
        }
        statements.add(dialect.changeSource("CHANGE MASTER TO " + String.join(", ", parts)) + ", GET_SOURCE_PUBLIC_KEY=1");
        statements.add(dialect.startReplica());
        return new SidecarStatement.Plan(statements, statements.stream().map(Replication::withoutPassword).toList(),
                applied, changed, gtidMode);
    }

    /** {@code SOURCE_HOST} and the like, as a script written for MySQL 8 says them, under their MASTER_ name. */
    private static ChangeMasterOption masterName(ChangeMasterOption option) {
        return option.name().startsWith("SOURCE_")
                ? new ChangeMasterOption("MASTER_" + option.name().substring("SOURCE_".length()), option.value())
                : option;
    }

    /** GTID positioning: MASTER_AUTO_POSITION=1, or MariaDB's MASTER_USE_GTID other than no. */
    private static Optional<String> gtidMode(List<ChangeMasterOption> options) {
        for (ChangeMasterOption option : options) {
            String value = SidecarStatement.unquote(option.value()).toLowerCase(Locale.ROOT);
            if (option.name().equals("MASTER_AUTO_POSITION") && value.equals("1")
                    || option.name().equals("MASTER_USE_GTID") && !value.equals("no")) {
                return Optional.of("auto_position");
            }
        }
        return Optional.empty();
    }
}
