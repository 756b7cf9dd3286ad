package dev.mysqlsts.statements;

import static org.apiguardian.api.API.Status.INTERNAL;

import java.lang.ref.WeakReference;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apiguardian.api.API;

/**
 * Every statement the connections of one cluster's users sent (pod URLs, {@code connection()}, {@code dataSource()},
 * the endpoints' URLs, the ledger's clients), in order, with times: what a reproduction bundle replays. Bounded: a
 * ring of at most {@value #DEFAULT_MAX} statements (property {@value #MAX_PROPERTY}; 0 turns recording off) and
 * {@value #MAX_CHARS} characters; the oldest go first and are counted ({@link Snapshot#dropped()}). The harness's own
 * statements (replication set-up, probes, fault injection, tuning, checks) go through its admin account's URLs,
 * which carry no interceptor, and are not in it.
 * <p>
 * Recorded by {@link StatementRecorder}, a Connector/J query interceptor that {@link #urlParameters()} adds to a URL.
 */
@API(status = INTERNAL)
public final class StatementLog {

    /** Property: how many statements a cluster keeps (the newest); 0: none recorded, no interceptor in the URLs. */
    public static final String MAX_PROPERTY = "mysqlsts.statements.max";
    public static final int DEFAULT_MAX = 100_000;
    /** The URL parameter that names a connection's log. */
    static final String LOG_PROPERTY = "mysqlstsStatements";
    static final long MAX_CHARS = 64L << 20;
    static final int MAX_STATEMENT_CHARS = 1 << 20;

    private static final Map<String, WeakReference<StatementLog>> LOGS = new ConcurrentHashMap<>();
    private static final AtomicLong IDS = new AtomicLong();

    private final String id;
    private final int capacity;
    private final AtomicInteger connections = new AtomicInteger();
    private final Map<String, String> pods = new ConcurrentHashMap<>();
    private final ArrayDeque<RecordedStatement> ring = new ArrayDeque<>();
    private long sequence;
    private long chars;
    private long dropped;
    private volatile String test = "";

    private StatementLog(int capacity) {
        this.capacity = capacity;
        this.id = ProcessHandle.current().pid() + "-" + IDS.incrementAndGet();
    }

    /** A log of at most {@code capacity} statements (0: nothing is recorded). */
    public static StatementLog create(int capacity) {
        if (capacity < 0) {
            throw new IllegalArgumentException(MAX_PROPERTY + "=" + capacity + ": give 0 (no recording) or more");
        }
        StatementLog log = new StatementLog(capacity);
        if (capacity > 0) {
            LOGS.values().removeIf(ref -> ref.get() == null);
            LOGS.put(log.id, new WeakReference<>(log));
        }
        return log;
    }

    /** A log of the size {@value #MAX_PROPERTY} gives ({@value #DEFAULT_MAX} when unset); a bad value fails clearly. */
    public static StatementLog fromSetting(java.util.Optional<String> max) {
        if (max.isEmpty() || max.get().isBlank()) {
            return create(DEFAULT_MAX);
        }
        int capacity;
        try {
            capacity = Integer.parseInt(max.get().trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(MAX_PROPERTY + "=" + max.get() + " is not a number: give how many "
                    + "statements a cluster keeps for its reproduction bundle, for example " + DEFAULT_MAX
                    + ", or 0 to record none", e);
        }
        return create(capacity);
    }

    /** {@code &queryInterceptors=...&mysqlstsStatements=<id>}, to append to a URL; "" when recording is off. */
    public String urlParameters() {
        return capacity == 0 ? "" : "&queryInterceptors=" + StatementRecorder.class.getName() + "&" + LOG_PROPERTY + "=" + id;
    }

    /** Connections to {@code port} reach {@code name} (a pod, or an endpoint): the name their statements carry. */
    public void endpoint(int port, String name) {
        pods.put(Integer.toString(port), name);
    }

    /** {@code url} without the recording's parameters: for the harness's own reads (samplers, checks). */
    public static String unrecorded(String url) {
        return url.replaceAll("&queryInterceptors=" + StatementRecorder.class.getName().replace(".", "\\.")
                + "&" + LOG_PROPERTY + "=[^&]*", "");
    }

    /** The next statements belong to this test method. */
    public void beginTest(String name) {
        test = name;
    }

    public boolean enabled() {
        return capacity > 0;
    }

    public int capacity() {
        return capacity;
    }

    static StatementLog find(String id) {
        WeakReference<StatementLog> ref = id == null ? null : LOGS.get(id);
        return ref == null ? null : ref.get();
    }

    int newConnection() {
        return connections.incrementAndGet();
    }

    String podAt(String port) {
        return port == null ? "?" : pods.getOrDefault(port, "port " + port);
    }

    RecordedStatement sent(int connection, String pod, long thread, String sql, boolean byDriver) {
        String text = sql.length() > MAX_STATEMENT_CHARS ? sql.substring(0, MAX_STATEMENT_CHARS) : sql;
        boolean driver = byDriver || text.startsWith("/* mysql-connector-j");
        synchronized (this) {
            RecordedStatement statement = new RecordedStatement(++sequence, connection, pod, thread, Instant.now(), text,
                    test, driver);
            add(statement, text.length());
            return statement;
        }
    }

    void closed(int connection, String pod) {
        synchronized (this) {
            RecordedStatement close = new RecordedStatement(++sequence, connection, pod, 0, Instant.now(), null, test,
                    false);
            close.end(false);
            add(close, 0);
        }
    }

    private void add(RecordedStatement statement, int length) {
        ring.addLast(statement);
        chars += length;
        while (ring.size() > capacity || chars > MAX_CHARS) {
            RecordedStatement gone = ring.removeFirst();
            chars -= gone.isClose() ? 0 : gone.sql().length();
            if (!gone.isClose()) {
                dropped++;
            }
        }
    }

    /** What the log holds now, oldest first. */
    public synchronized Snapshot snapshot() {
        return new Snapshot(List.copyOf(ring), dropped, capacity);
    }

    /**
     * @param statements the statements and closes kept, oldest first
     * @param dropped    how many earlier statements the bound dropped
     * @param capacity   the bound
     */
    public record Snapshot(List<RecordedStatement> statements, long dropped, int capacity) {
    }
}
