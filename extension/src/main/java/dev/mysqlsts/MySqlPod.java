package dev.mysqlsts;

import java.sql.Connection;
import javax.sql.DataSource;

/**
 * One pod of the StatefulSet, addressed by its ordinal.
 *
 * <pre>{@code try (Connection c = cluster.pod(1).connection()) { ... }}</pre>
 */
public interface MySqlPod {

    /** The pod's ordinal: 0 is the leader. */
    int ordinal();

    /** The pod's name as Kubernetes gives it, for example {@code mysql-2}. */
    String name();

    /**
     * A JDBC URL that reaches this pod from the test JVM, as user {@code root} with root's password (none,
     * unless {@code mysqlsts.rootPassword=random}); paste it into a mysql client while debugging. It carries the
     * harness's bounds ({@code connectTimeout} and
     * {@code socketTimeout}: {@code mysqlsts.connectTimeout}, {@code mysqlsts.socketTimeout}), so
     * {@code DriverManager.getConnection(pod.jdbcUrl())} to a paused pod fails instead of hanging.
     */
    String jdbcUrl();

    /**
     * Opens a new connection to this pod; the caller closes it.
     *
     * @throws IllegalStateException naming the pod and its URL when the pod does not accept connections
     *     (killed, not started yet)
     */
    Connection connection();

    /** A data source whose connections go to this pod. */
    DataSource dataSource();

    /** Whether the pod passes its readiness probe now. */
    boolean isReady();
}
