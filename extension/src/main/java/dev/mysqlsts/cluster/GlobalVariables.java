package dev.mysqlsts.cluster;

import dev.mysqlsts.backend.RunningStatefulSet;
import dev.mysqlsts.replication.Replication;
import dev.mysqlsts.replication.Sql;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The global variables of every pod as a test method begins, and after it (once the repair has run) the ones the test
 * changed set back: one {@code SHOW GLOBAL VARIABLES} per pod before and one after, compared here, and a
 * {@code SET GLOBAL} for each difference. Whatever the class set before its first test ({@code @BeforeAll}) is part of
 * every test's starting values, so it is kept.
 *
 * <p>Compared against the starting values, not the server's config: a pod that restarted during the test (kill,
 * deletePod, a promotion, a rebuild) lost every {@code SET GLOBAL}, the class's included; it gets them back here, so
 * the next test begins as this one did. The harness's own {@code SET GLOBAL}s compare equal: the followers' short
 * {@code slave_net_timeout} (K3S sets it once per container run, at Ready; LOCAL on the command line) is in the starting
 * values, and {@code read_only}, changed by promotions, is back on every pod once the repair handed the leader role
 * back to ordinal 0, which is why this runs after the repair. Server-owned state that moves by itself (GTID positions,
 * which the repair owns) and the harness's own choices ({@code port}, moved by LOCAL when taken while a pod was down)
 * are left out. A variable that cannot be set back (read-only at run time: a pod restarted with another role's
 * config; or refused) is named in a WARN line. Settings a server changes only while replication is stopped ({@code
 * slave_parallel_threads} on MariaDB: error 1198; {@code slave_parallel_type} on MySQL: error 3017) are set with
 * replication stopped, then started again.
 */
final class GlobalVariables {

    private static final Logger LOG = LoggerFactory.getLogger(GlobalVariables.class);

    /**
     * Variables that are state, not settings: GTID positions move with every transaction and belong to the repair
     * (MariaDB's {@code gtid_*_pos}, {@code gtid_binlog_state}; MySQL's {@code gtid_executed}, {@code gtid_purged},
     * {@code gtid_owned}); {@code port} is chosen by the harness (LOCAL moves a pod whose port was taken).
     */
    static final Set<String> NOT_SETTINGS = Set.of("gtid_binlog_pos", "gtid_binlog_state", "gtid_current_pos",
            "gtid_slave_pos", "gtid_executed", "gtid_purged", "gtid_owned", "port");

    /** Error codes of a variable that changes only while replication is stopped. */
    private static final Set<Integer> NEEDS_REPLICATION_STOPPED = Set.of(
            1198, // ER_SLAVE_MUST_STOP: MariaDB's slave_parallel_threads (seen here on 10.11), slave_parallel_mode
            3017); // ER_SLAVE_SQL_THREAD_MUST_STOP: MySQL's variables checked by check_slave_stopped (sql/sys_vars.cc:
                   // slave_parallel_type, replica_preserve_commit_order) and its replication filters (sql/rpl_filter.cc)

    private static final int READ_ONLY_VARIABLE = 1238; // ER_INCORRECT_GLOBAL_LOCAL_VAR
    private static final int WRONG_TYPE = 1232; // ER_WRONG_TYPE_FOR_VAR: a number for a string variable
    private static final Pattern NUMBER = Pattern.compile("-?\\d+(\\.\\d+)?");

    private final RunningStatefulSet statefulSet;
    private final Duration timeout;
    private volatile Map<Integer, Map<String, String>> before = Map.of();

    /** With the bound of the harness's replication statements on every connect and read. */
    GlobalVariables(RunningStatefulSet statefulSet) {
        this(statefulSet, Replication.STATEMENT_TIMEOUT);
    }

    /**
     * @param timeout the bound of each connect and each read, so that a frozen or unreachable pod costs at most that
     */
    GlobalVariables(RunningStatefulSet statefulSet, Duration timeout) {
        this.statefulSet = statefulSet;
        this.timeout = timeout;
    }

    /** Reads every pod's global variables as the test begins; a pod that does not answer is named and skipped. */
    void snapshot(String test) {
        Map<Integer, Map<String, String>> read = new TreeMap<>();
        for (int ordinal = 0; ordinal < statefulSet.replicas(); ordinal++) {
            try (Connection connection = Sql.connect(statefulSet.endpoint(ordinal).adminJdbcUrl(), timeout)) {
                read.put(ordinal, read(connection));
            } catch (SQLException | RuntimeException e) {
                LOG.warn("{}: global variables not read before {} ({}): what the test changes there is not put back",
                        name(ordinal), test, unreachable(e));
            }
        }
        before = read;
    }

    /**
     * Sets back, on every pod read at {@link #snapshot}, each global variable whose value differs now; one INFO line
     * per pod names what was put back, one WARN line what could not be.
     */
    void restore(String test) {
        Map<Integer, Map<String, String>> started = before;
        before = Map.of();
        started.forEach((ordinal, values) -> {
            if (ordinal < statefulSet.replicas()) {
                restore(ordinal, values, test);
            }
        });
    }

    private void restore(int ordinal, Map<String, String> started, String test) {
        long begun = System.nanoTime();
        Outcome outcome = new Outcome();
        try {
            String url = statefulSet.endpoint(ordinal).adminJdbcUrl();
            try (Connection connection = Sql.connect(url, timeout)) {
                setBack(connection, url, started, outcome);
            }
        } catch (SQLException | RuntimeException e) {
            outcome.refused.add(unreachable(e));
        }
        long millis = (System.nanoTime() - begun) / 1_000_000;
        if (!outcome.putBack.isEmpty()) {
            LOG.info("{}: global variables put back after {} in {} ms: {}", name(ordinal), test, millis,
                    String.join(", ", outcome.putBack.values()));
        }
        List<String> notPutBack = new ArrayList<>(outcome.refused);
        if (!outcome.readOnly.isEmpty()) {
            notPutBack.add(0, "read-only at run time (the server restarted with other options during the test; they "
                    + "stay until its next restart): " + String.join(", ", outcome.readOnly));
        }
        if (!notPutBack.isEmpty()) {
            LOG.warn("{}: global variables not put back after {}: {}", name(ordinal), test, String.join("; ", notPutBack));
        } else if (outcome.putBack.isEmpty()) {
            LOG.debug("{}: no global variable changed by {} ({} ms)", name(ordinal), test, millis);
        }
    }

    private static void setBack(Connection connection, String url, Map<String, String> started, Outcome outcome)
            throws SQLException {
        Map<String, String> now = read(connection);
        Map<String, String> changed = changed(started, now, outcome);
        if (changed.isEmpty()) {
            return;
        }
        try (Statement sql = connection.createStatement()) {
            // the session's sql_mode comes from the global one the test may have changed: quote by doubling only
            sql.execute("SET SESSION sql_mode = 'NO_BACKSLASH_ESCAPES'");
            Map<String, String> needStop = new LinkedHashMap<>();
            changed.forEach((name, value) -> {
                SQLException refused = set(sql, name, value);
                if (refused != null && NEEDS_REPLICATION_STOPPED.contains(refused.getErrorCode())) {
                    needStop.put(name, value);
                } else {
                    outcome.add(name, change(name, now.get(name), value), refused, "");
                }
            });
            if (!needStop.isEmpty()) {
                setWithReplicationStopped(url, sql, needStop, now, outcome);
            }
        }
        if (!outcome.putBack.isEmpty()) {
            outcome.keepThoseThatStuck(changed, read(connection));
        }
    }

    /** What differs, by name with the starting value; variables that came or went are named as refused. */
    private static Map<String, String> changed(Map<String, String> started, Map<String, String> now, Outcome outcome) {
        Map<String, String> changed = new LinkedHashMap<>();
        Set<String> gone = new TreeSet<>();
        started.forEach((name, value) -> {
            if (!now.containsKey(name)) {
                gone.add(name);
            } else if (!NOT_SETTINGS.contains(name) && !Objects.equals(value, now.get(name))) {
                changed.put(name, value);
            }
        });
        Set<String> added = new TreeSet<>(now.keySet());
        added.removeAll(started.keySet());
        if (!gone.isEmpty()) {
            outcome.refused.add("gone (a plugin uninstalled, or the server restarted without it): " + String.join(", ", gone));
        }
        if (!added.isEmpty()) {
            outcome.refused.add("new (a plugin installed during the test stays installed): " + String.join(", ", added));
        }
        return changed;
    }

    /**
     * MariaDB and MySQL 5.7 refuse some replication settings while replication runs: they are set with it stopped,
     * then it is started again (the repair left it running and caught up).
     */
    private static void setWithReplicationStopped(String url, Statement sql, Map<String, String> values,
                                                  Map<String, String> now, Outcome outcome) {
        try {
            Replication.stopReplica(url);
        } catch (RuntimeException e) {
            values.forEach((name, value) -> outcome.refused.add(change(name, now.get(name), value)
                    + " (needs replication stopped; stopping it failed: " + e.getMessage() + ")"));
            return;
        }
        values.forEach((name, value) -> outcome.add(name, change(name, now.get(name), value), set(sql, name, value),
                " (with replication stopped)"));
        try {
            Replication.startReplica(url);
        } catch (RuntimeException e) {
            outcome.refused.add("replication, stopped to set " + String.join(", ", values.keySet())
                    + ", did not start again: " + e.getMessage());
        }
    }

    /** What happened to one pod's variables. */
    private static final class Outcome {

        final Map<String, String> putBack = new LinkedHashMap<>(); // name -> "name now -> started"
        final List<String> readOnly = new ArrayList<>();
        final List<String> refused = new ArrayList<>();

        void add(String name, String change, SQLException refusal, String note) {
            if (refusal == null) {
                putBack.put(name, change + note);
            } else if (refusal.getErrorCode() == READ_ONLY_VARIABLE) {
                readOnly.add(change);
            } else {
                refused.add(change + " (refused, error " + refusal.getErrorCode() + ": " + refusal.getMessage() + ")");
            }
        }

        /** A server may accept a value and keep another (rounded, clamped, a resize in progress): named as refused. */
        void keepThoseThatStuck(Map<String, String> changed, Map<String, String> now) {
            changed.forEach((name, value) -> {
                if (putBack.containsKey(name) && !Objects.equals(value, now.get(name))) {
                    putBack.remove(name);
                    refused.add(name + " set to " + quoted(value) + " but reads " + quoted(now.get(name)));
                }
            });
        }
    }

    /** Runs {@code SET GLOBAL name = value}; null when it worked, else the server's refusal. */
    private static SQLException set(Statement sql, String name, String value) {
        try {
            try {
                sql.execute("SET GLOBAL " + name + " = " + literal(value));
            } catch (SQLException e) {
                if (e.getErrorCode() != WRONG_TYPE || value == null || !NUMBER.matcher(value).matches()) {
                    throw e;
                }
                sql.execute("SET GLOBAL " + name + " = " + quoted(value)); // a string variable that holds digits
            }
            return null;
        } catch (SQLException e) {
            return e;
        }
    }

    /** A number as it is; text quoted for a session with NO_BACKSLASH_ESCAPES; SQL NULL as NULL. */
    private static String literal(String value) {
        return value != null && NUMBER.matcher(value).matches() ? value : quoted(value);
    }

    private static String quoted(String value) {
        return value == null ? "NULL" : "'" + value.replace("'", "''") + "'";
    }

    private static String change(String name, String from, String to) {
        return name + " " + shown(from) + " -> " + shown(to);
    }

    private static String shown(String value) {
        return value == null ? "NULL" : value.isEmpty() ? "''" : value;
    }

    private static Map<String, String> read(Connection connection) throws SQLException {
        Map<String, String> values = new LinkedHashMap<>();
        try (Statement sql = connection.createStatement(); ResultSet rows = sql.executeQuery("SHOW GLOBAL VARIABLES")) {
            while (rows.next()) {
                values.put(rows.getString(1), rows.getString(2));
            }
        }
        return values;
    }

    /** The first line of Connector/J's message, with the bound: "unreachable within 2000 ms: Communications link failure". */
    private String unreachable(Exception e) {
        return "unreachable within " + timeout.toMillis() + " ms: "
                + String.valueOf(e.getMessage()).lines().findFirst().orElse("");
    }

    private String name(int ordinal) {
        return statefulSet.spec().podName(ordinal);
    }
}
