package dev.mysqlsts.replication;

import static org.apiguardian.api.API.Status.INTERNAL;

import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apiguardian.api.API;

/**
 * The replication statements of one server family and version, chosen from {@code SELECT VERSION()}:
 *
 * <pre>{@code Dialect dialect = Replication.dialect(url);   // MySQL 8.4.3, MariaDB 10.11.6, ...
 * Sql.execute(url, timeout, dialect.stopReplica());}</pre>
 *
 * MariaDB and MySQL 5.7 speak {@code CHANGE MASTER TO}, {@code START SLAVE}, {@code SHOW SLAVE STATUS},
 * {@code SHOW MASTER STATUS} and {@code MASTER_POS_WAIT}. MySQL renamed them: {@code START/STOP REPLICA} and
 * {@code SHOW REPLICA STATUS} in 8.0.22, {@code CHANGE REPLICATION SOURCE TO} with {@code SOURCE_*} options in
 * 8.0.23, {@code SOURCE_POS_WAIT} and the {@code replica_*} variables in 8.0.26, {@code SHOW BINARY LOG STATUS}
 * in 8.2.0; 8.4 removed the old forms (MySQL 8.4 reference manual, "Features Removed in MySQL 8.4": {@code SHOW
 * MASTER STATUS}, {@code CHANGE MASTER TO}, {@code START/STOP SLAVE}, {@code SHOW SLAVE STATUS},
 * {@code MASTER_POS_WAIT()}). Each statement here is the newest form the server understands.
 *
 * @param family  MariaDB or MySQL
 * @param major   the version's first number
 * @param minor   the second
 * @param patch   the third
 * @param version {@code SELECT VERSION()} as the server answered it
 */
@API(status = INTERNAL)
public record Dialect(Family family, int major, int minor, int patch, String version) {

    /** The server family: the SQL differs between them and, for MySQL, between versions. */
    public enum Family {
        MARIADB, MYSQL
    }

    private static final Pattern VERSION = Pattern.compile("^(\\d+)\\.(\\d+)\\.(\\d+)");
    /** A quoted string, or a word starting with MASTER_ (outside quotes). */
    private static final Pattern MASTER_WORD = Pattern.compile("'(?:[^'\\\\]|\\\\.|'')*'|\\bMASTER_(?=[A-Z_]+\\b)");

    public Dialect {
        Objects.requireNonNull(family, "family");
        Objects.requireNonNull(version, "version");
    }

    /**
     * The dialect of a {@code SELECT VERSION()} answer: {@code 10.11.6-MariaDB-0+deb12u1} and
     * {@code 5.5.5-10.11.6-MariaDB} are MariaDB 10.11.6, {@code 8.4.3} MySQL 8.4.3.
     *
     * @throws IllegalArgumentException for an answer that starts with no version number
     */
    public static Dialect of(String version) {
        String text = Objects.requireNonNull(version, "version").strip();
        boolean mariadb = text.toLowerCase(Locale.ROOT).contains("mariadb");
        String numbers = mariadb && text.startsWith("5.5.5-") ? text.substring("5.5.5-".length()) : text;
        Matcher m = VERSION.matcher(numbers);
        if (!m.find()) {
            throw new IllegalArgumentException("not a MySQL or MariaDB version: '" + version
                    + "' (SELECT VERSION() answers for example 8.0.36 or 10.11.6-MariaDB)");
        }
        return new Dialect(mariadb ? Family.MARIADB : Family.MYSQL, Integer.parseInt(m.group(1)),
                Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)), text);
    }

    /** Whether this is MySQL at this version or later (always false for MariaDB). */
    public boolean mysqlAtLeast(int major, int minor, int patch) {
        if (family != Family.MYSQL) {
            return false;
        }
        if (this.major != major) {
            return this.major > major;
        }
        if (this.minor != minor) {
            return this.minor > minor;
        }
        return this.patch >= patch;
    }

    private boolean replicaWords() {
        return mysqlAtLeast(8, 0, 22);
    }

    private boolean sourceOptions() {
        return mysqlAtLeast(8, 0, 23);
    }

    /** {@code SHOW SLAVE STATUS} or {@code SHOW REPLICA STATUS} (MySQL 8.0.22+). */
    public String showReplicaStatus() {
        return replicaWords() ? "SHOW REPLICA STATUS" : "SHOW SLAVE STATUS";
    }

    /** {@code SHOW MASTER STATUS} or {@code SHOW BINARY LOG STATUS} (MySQL 8.2.0+). */
    public String showSourceStatus() {
        return mysqlAtLeast(8, 2, 0) ? "SHOW BINARY LOG STATUS" : "SHOW MASTER STATUS";
    }

    /** Both replication threads: {@code START SLAVE} or {@code START REPLICA}. */
    public String startReplica() {
        return replicaWords() ? "START REPLICA" : "START SLAVE";
    }

    /** Both replication threads: {@code STOP SLAVE} or {@code STOP REPLICA}. */
    public String stopReplica() {
        return replicaWords() ? "STOP REPLICA" : "STOP SLAVE";
    }

    /** The IO (receiver) thread alone. */
    public String startIoThread() {
        return startReplica() + " IO_THREAD";
    }

    /** The IO (receiver) thread alone. */
    public String stopIoThread() {
        return stopReplica() + " IO_THREAD";
    }

    /** The SQL (applier) thread alone. */
    public String startSqlThread() {
        return startReplica() + " SQL_THREAD";
    }

    /** The SQL (applier) thread alone. */
    public String stopSqlThread() {
        return stopReplica() + " SQL_THREAD";
    }

    /**
     * A {@code CHANGE MASTER TO} statement in this server's words: given in the MariaDB / 5.7 form
     * ({@code CHANGE MASTER TO MASTER_HOST='mysql-0.mysql', MASTER_DELAY=5}), it becomes
     * {@code CHANGE REPLICATION SOURCE TO SOURCE_HOST='mysql-0.mysql', SOURCE_DELAY=5} on MySQL 8.0.23+. Quoted
     * values are left as they are.
     */
    public String changeSource(String changeMaster) {
        String statement = changeMaster.strip();
        if (!statement.regionMatches(true, 0, "CHANGE MASTER TO", 0, "CHANGE MASTER TO".length())) {
            throw new IllegalArgumentException("not a CHANGE MASTER TO statement: " + changeMaster);
        }
        if (!sourceOptions()) {
            return statement;
        }
        String options = statement.substring("CHANGE MASTER TO".length());
        Matcher m = MASTER_WORD.matcher(options);
        StringBuilder out = new StringBuilder("CHANGE REPLICATION SOURCE TO");
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(m.group().startsWith("'") ? m.group() : "SOURCE_"));
        }
        m.appendTail(out);
        return out.toString();
    }

    /**
     * A query whose single column {@code applied} is -1 when the replica did not apply the source up to
     * {@code file:position} within {@code seconds}, else 0 or more ({@code MASTER_POS_WAIT}, or
     * {@code SOURCE_POS_WAIT} on MySQL 8.0.26+). NULL means the SQL thread is not running.
     */
    public String waitForPosition(BinlogPosition position, long seconds) {
        String function = mysqlAtLeast(8, 0, 26) ? "SOURCE_POS_WAIT" : "MASTER_POS_WAIT";
        return "SELECT " + function + "('" + position.file().replace("'", "''") + "', " + position.position() + ", "
                + seconds + ") AS applied";
    }

    /** {@code slave_net_timeout}, or {@code replica_net_timeout} on MySQL 8.0.26+. */
    public String netTimeoutVariable() {
        return mysqlAtLeast(8, 0, 26) ? "replica_net_timeout" : "slave_net_timeout";
    }

    /**
     * Statements that give a running follower a net timeout and heartbeat (seconds) and a connect retry, then
     * restart its IO thread so they take effect: the IO thread must be stopped for {@code CHANGE MASTER TO} of
     * these options on MySQL, both threads on MariaDB (MySQL 5.7 manual, CHANGE MASTER TO: "if the receiver thread is stopped, you can use any
     * options ... except RELAY_LOG_FILE, RELAY_LOG_POS, MASTER_DELAY, MASTER_AUTO_POSITION").
     */
    public String[] shortNetTimeout(int netTimeoutSeconds, double heartbeatSeconds, int connectRetrySeconds) {
        boolean both = family == Family.MARIADB;
        // MariaDB refuses CHANGE MASTER TO of these options while either thread runs (error 1198): both stop there
        return new String[] {
                "SET GLOBAL " + netTimeoutVariable() + " = " + netTimeoutSeconds,
                both ? stopReplica() : stopIoThread(),
                changeSource("CHANGE MASTER TO MASTER_HEARTBEAT_PERIOD=" + heartbeat(heartbeatSeconds)
                        + ", MASTER_CONNECT_RETRY=" + connectRetrySeconds),
                both ? startReplica() : startIoThread()};
    }

    /**
     * Statements that make the follower apply each event {@code seconds} after it was written on the source
     * (0 removes the delay): the SQL thread is stopped, changed and started again, as MASTER_DELAY /
     * SOURCE_DELAY may only change while it is stopped (on MariaDB both threads, which it requires for any
     * CHANGE MASTER TO: error 1198).
     */
    public String[] delay(long seconds) {
        if (seconds < 0) {
            throw new IllegalArgumentException("a replication delay of " + seconds + " s: give 0 or more");
        }
        boolean both = family == Family.MARIADB; // MariaDB: error 1198 unless both threads are stopped
        return new String[] {both ? stopReplica() : stopSqlThread(),
                changeSource("CHANGE MASTER TO MASTER_DELAY=" + seconds), both ? startReplica() : startSqlThread()};
    }

    /**
     * A query whose column {@code gtid_mode} tells whether the server logs GTIDs that a replica can follow by
     * position-free replication: MySQL's {@code @@GLOBAL.gtid_mode} (ON needed); MariaDB always has GTIDs, so
     * it answers {@code ON}.
     */
    public String gtidModeQuery() {
        return family == Family.MYSQL ? "SELECT @@GLOBAL.gtid_mode AS gtid_mode" : "SELECT 'ON' AS gtid_mode";
    }

    private static String heartbeat(double seconds) {
        return seconds == Math.rint(seconds) ? Long.toString((long) seconds) : Double.toString(seconds);
    }

    /** For example "MySQL 8.4.3" or "MariaDB 10.11.6". */
    @Override
    public String toString() {
        return (family == Family.MARIADB ? "MariaDB " : "MySQL ") + major + "." + minor + "." + patch;
    }
}
