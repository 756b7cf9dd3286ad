package dev.mysqlsts.local;

import dev.mysqlsts.manifest.ClusterSpec.ProbeSpec;
import dev.mysqlsts.replication.Sql;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

/**
 * The mysql container's readiness probe, run over TCP from this JVM: the query after {@code -e} of the
 * manifest's {@code mysql -h 127.0.0.1 -e "SELECT 1"} with the probe's timeout. While a pod starts it is
 * probed every {@value #STARTUP_POLL_MS} ms instead of the manifest's period, so clusters are Ready in seconds.
 * It logs in with the cluster's admin secret ({@link AdminSecret}), not as root: a server that answers but is not
 * this cluster's cannot pass it.
 */
final class ReadinessProbe {

    static final long STARTUP_POLL_MS = 10;

    private final String query;
    private final Duration timeout;
    private final String description;

    ReadinessProbe(ProbeSpec spec) {
        List<String> command = spec.command();
        int e = command.indexOf("-e");
        this.query = e >= 0 && e + 1 < command.size() ? command.get(e + 1) : "SELECT 1";
        this.timeout = Duration.ofSeconds(Math.max(1, spec.timeoutSeconds()));
        this.description = "readiness probe [" + String.join(" ", command) + "] run as `" + query
                + "` over TCP with the cluster's admin account, timeout " + timeout.toSeconds() + " s";
    }

    /** What one run of the probe found. */
    enum Result {
        /** the query succeeded */
        READY,
        /** no answer, a refused or failed connection, a failed query */
        NOT_READY,
        /**
         * a server answered but refused the cluster's admin secret (error 1045): it is not this cluster's server,
         * for example another cluster's that took the port
         */
        FOREIGN_SERVER
    }

    /** MySQL's and MariaDB's ER_ACCESS_DENIED_ERROR. */
    static final int ACCESS_DENIED = 1045;

    boolean passes(String url) {
        return check(url) == Result.READY;
    }

    /** Runs the probe once against {@code url}, which logs in with the cluster's admin secret. */
    Result check(String url) {
        try (Connection connection = Sql.connect(url, timeout); Statement statement = connection.createStatement()) {
            statement.execute(query);
            return Result.READY;
        } catch (SQLException e) {
            return e.getErrorCode() == ACCESS_DENIED ? Result.FOREIGN_SERVER : Result.NOT_READY;
        }
    }

    @Override
    public String toString() {
        return description;
    }
}
