package dev.mysqlsts.local;

import dev.mysqlsts.manifest.ClusterSpec.ChangeMasterOption;
import dev.mysqlsts.replication.Dialect;
import dev.mysqlsts.replication.Replication;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The sidecar's {@code CHANGE MASTER TO}, built from the options its script writes, with the harness's own
 * overrides: the source is reached through the link proxy (host and port), as root with root's password (empty unless
 * {@code mysqlsts.rootPassword=random}), with
 * a connect retry of {@value Replication#CONNECT_RETRY_SECONDS} s and without TLS. Every other literal option
 * ({@code MASTER_USE_GTID}, {@code MASTER_HEARTBEAT_PERIOD}, {@code MASTER_DELAY}...) is applied as written.
 * On MariaDB, MySQL's {@code MASTER_AUTO_POSITION=1} becomes MariaDB's {@code MASTER_USE_GTID=slave_pos}; on MySQL
 * the statement keeps MySQL's form ({@link MySqlSidecarStatement}).
 *
 * <p>With {@code MASTER_USE_GTID=slave_pos|current_pos} the follower starts from the clone's GTID position
 * ({@code SET GLOBAL gtid_slave_pos}) instead of its binlog file and position, as MariaDB requires.
 */
final class SidecarStatement {

    /** Options the harness sets itself, whatever the script says. */
    static final List<String> HARNESS_OWNED = List.of("MASTER_HOST", "MASTER_PORT", "MASTER_USER",
            "MASTER_PASSWORD", "MASTER_CONNECT_RETRY", "MASTER_SSL", "MASTER_LOG_FILE", "MASTER_LOG_POS");

    /**
     * @param statements what to run, in order
     * @param shown      the statements for the log, the password replaced by ***
     * @param applied    the script's options applied as written
     * @param changed    what the harness changed, one note each
     * @param gtidMode   the MASTER_USE_GTID value, or empty for file and position
     */
    record Plan(List<String> statements, List<String> shown, List<String> applied, List<String> changed,
                Optional<String> gtidMode) {
    }

    private SidecarStatement() {
    }

    /** The options' GTID mode ({@code slave_pos}, {@code current_pos}), empty for binlog file and position. */
    static Optional<String> gtidMode(List<ChangeMasterOption> options) {
        for (ChangeMasterOption option : options) {
            String value = unquote(option.value()).toLowerCase(Locale.ROOT);
            if (option.name().equals("MASTER_USE_GTID") && !value.equals("no")) {
                return Optional.of(value);
            }
            if (option.name().equals("MASTER_AUTO_POSITION") && value.equals("1")) {
                return Optional.of("slave_pos");
            }
        }
        return Optional.empty();
    }

    /**
     * @param options the script's options
     * @param file    the clone's binlog file (used without GTID)
     * @param position the clone's binlog position
     * @param gtid    the clone's GTID position (used with GTID; empty keeps the server's gtid_slave_pos)
     * @param password root's password on the source
     */
    static Plan plan(List<ChangeMasterOption> options, String sourceHost, int sourcePort, String password, String file,
                     long position, String gtid) {
        return plan(options, sourceHost, sourcePort, password, file, position, gtid, null);
    }

    /**
     * @param dialect the follower's server (null: MariaDB); on MySQL the plan is {@link MySqlSidecarStatement}'s
     */
    static Plan plan(List<ChangeMasterOption> options, String sourceHost, int sourcePort, String password, String file,
                     long position, String gtid, Dialect dialect) {
        if (dialect != null && dialect.family() == Dialect.Family.MYSQL) {
            return MySqlSidecarStatement.plan(options, sourceHost, sourcePort, password, file, position, gtid, dialect);
        }
        Optional<String> gtidMode = gtidMode(options);
        List<String> applied = new ArrayList<>();
        List<String> changed = new ArrayList<>();
        List<String> parts = new ArrayList<>();
        if (gtidMode.isEmpty()) {
            parts.add("MASTER_LOG_FILE='" + file.replace("'", "''") + "'");
            parts.add("MASTER_LOG_POS=" + position);
        }
        parts.addAll(connection(sourceHost, sourcePort, password));
        for (ChangeMasterOption option : options) {
            String name = option.name();
            if (HARNESS_OWNED.contains(name)) {
                String now = switch (name) {
                    case "MASTER_HOST", "MASTER_PORT" -> sourceHost + ":" + sourcePort + " (the link proxy to the leader)";
                    case "MASTER_CONNECT_RETRY" -> Replication.CONNECT_RETRY_SECONDS + " (a healed link reconnects at once)";
                    case "MASTER_SSL" -> "0 (the harness's servers run without TLS)";
                    case "MASTER_USER", "MASTER_PASSWORD" -> (password.isEmpty() ? "root with an empty password"
                            : "root with the cluster's random password (mysqlsts.rootPassword=random)")
                            + " (the only account LOCAL has)";
                    default -> "the clone's coordinates";
                };
                if (!isSame(option, password)) {
                    changed.add(option + " -> " + now);
                }
            } else if (name.equals("MASTER_AUTO_POSITION")) {
                if (gtidMode.isPresent()) {
                    parts.add("MASTER_USE_GTID=slave_pos");
                    changed.add(option + " -> MASTER_USE_GTID=slave_pos (MariaDB's GTID auto-positioning)");
                } else {
                    changed.add(option + " dropped (MariaDB has no MASTER_AUTO_POSITION)");
                }
            } else if (name.startsWith("MASTER_")) {
                parts.add(option.toString());
                applied.add(option.toString());
            } else {
                changed.add(option + " dropped (MySQL 8's SOURCE_ names: write the sidecar with CHANGE MASTER TO for LOCAL)");
            }
        }
        if (options.stream().noneMatch(o -> o.name().equals("MASTER_SSL"))) {
            changed.add("MASTER_SSL=0 added (MariaDB 11.4 replicas ask for TLS by default; the servers run without)");
        }
        if (options.stream().noneMatch(o -> o.name().equals("MASTER_CONNECT_RETRY"))) {
            changed.add("MASTER_CONNECT_RETRY=" + Replication.CONNECT_RETRY_SECONDS + " added");
        }
        List<String> statements = new ArrayList<>();
        if (gtidMode.isPresent() && gtid != null && !gtid.isEmpty()) {
            statements.add("SET GLOBAL gtid_slave_pos = '" + gtid.replace("'", "''") + "'");
        }
        statements.add("CHANGE MASTER TO " + String.join(", ", parts));
        statements.add("START SLAVE");
        return new Plan(statements, statements.stream().map(Replication::withoutPassword).toList(), applied, changed,
                gtidMode);
    }

    /**
     * The options the harness owns besides the clone's coordinates, on either server: the link proxy to the leader,
     * root with root's password, the short connect retry, no TLS.
     */
    static List<String> connection(String sourceHost, int sourcePort, String password) {
        return List.of("MASTER_HOST='" + sourceHost + "'", "MASTER_PORT=" + sourcePort, "MASTER_USER='root'",
                Replication.masterPassword(password), "MASTER_CONNECT_RETRY=" + Replication.CONNECT_RETRY_SECONDS,
                "MASTER_SSL=0");
    }

    static boolean isSame(ChangeMasterOption option, String password) {
        String value = unquote(option.value());
        return switch (option.name()) {
            case "MASTER_USER" -> value.equals("root");
            case "MASTER_PASSWORD" -> value.equals(password);
            case "MASTER_CONNECT_RETRY" -> value.equals(Integer.toString(Replication.CONNECT_RETRY_SECONDS));
            case "MASTER_SSL" -> value.equals("0");
            default -> false;
        };
    }

    static String unquote(String value) {
        return value.length() >= 2 && value.startsWith("'") && value.endsWith("'")
                ? value.substring(1, value.length() - 1).replace("''", "'") : value;
    }
}
