package dev.mysqlsts.statements;

import static org.apiguardian.api.API.Status.INTERNAL;

import java.time.Instant;
import org.apiguardian.api.API;

/**
 * One statement a test's connection sent, or that connection's close ({@link #isClose()}: its {@code sql} is null).
 */
@API(status = INTERNAL)
public final class RecordedStatement {

    private final long sequence;
    private final int connection;
    private final String pod;
    private final long serverThread;
    private final Instant started;
    private final String sql;
    private final String test;
    private final boolean driver;
    private volatile Instant ended;
    private volatile boolean failed;

    public RecordedStatement(long sequence, int connection, String pod, long serverThread, Instant started, String sql,
                      String test, boolean driver) {
        this.sequence = sequence;
        this.connection = connection;
        this.pod = pod;
        this.serverThread = serverThread;
        this.started = started;
        this.sql = sql;
        this.test = test;
        this.driver = driver;
    }

    /** The order in which the statements were sent, over all connections of the cluster. */
    public long sequence() {
        return sequence;
    }

    /** The recording's connection number (1, 2, ...: unique in the cluster, unlike the servers' thread ids). */
    public int connection() {
        return connection;
    }

    /** The pod the connection reached ({@code mysql-0}), or the endpoint ({@code writer endpoint}, {@code read endpoint}). */
    public String pod() {
        return pod;
    }

    /** The server's id of the connection ({@code CONNECTION_ID()}); 0 before the handshake ended. */
    public long serverThread() {
        return serverThread;
    }

    public Instant started() {
        return started;
    }

    /** When its answer came (null while it runs, or for a connection that ended without one). */
    public Instant ended() {
        return ended;
    }

    /** The text sent ({@code null} for a close). */
    public String sql() {
        return sql;
    }

    /** The test method it was sent in ({@code ""} before the first one: {@code @BeforeAll}, a class's set-up). */
    public String test() {
        return test;
    }

    /** Whether the server answered with an error (or the connection failed under it). */
    public boolean failed() {
        return failed;
    }

    /** Sent by Connector/J itself while it opens the connection (its session variables), not by the test. */
    public boolean driver() {
        return driver;
    }

    /** The connection closed here. */
    public boolean isClose() {
        return sql == null;
    }

    /** Its answer came now: {@code failed} when it was an error. */
    public void end(boolean failed) {
        this.failed = failed;
        this.ended = Instant.now();
    }
}
