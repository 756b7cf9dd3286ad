package dev.mysqlsts.cluster;

import dev.mysqlsts.statements.RecordedStatement;
import dev.mysqlsts.statements.StatementLog;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The recorded statements as a person reads them: {@code statements/all.tsv}, every statement of every connection
 * ordered by time (time, connection, pod, server thread, outcome, statement), and one {@code .sql} file per
 * connection, its statements in order, each after a comment with its time, duration and outcome.
 */
final class StatementFiles {

    static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private StatementFiles() {
    }

    /** Writes the files into {@code dir}/statements; returns how many statements (closes left out) it holds. */
    static long write(Path dir, StatementLog.Snapshot snapshot) throws IOException {
        Path out = Files.createDirectories(dir.resolve("statements"));
        String dropped = snapshot.dropped() == 0 ? "" : snapshot.dropped() + " earlier statements dropped (the "
                + "recording keeps the newest " + snapshot.capacity() + ": -D" + StatementLog.MAX_PROPERTY + "=N)";
        Map<Integer, BufferedWriter> perConnection = new HashMap<>();
        long count = 0;
        try (BufferedWriter all = Files.newBufferedWriter(out.resolve("all.tsv"), StandardCharsets.UTF_8)) {
            all.write("# every statement the test's connections sent, ordered by time; statement escaped: \\\\ \\n \\t \\r\n");
            if (!dropped.isEmpty()) {
                all.write("# " + dropped + "\n");
            }
            all.write("# time\tconnection\tpod\tserver thread\toutcome\tstatement\n");
            String test = null;
            for (RecordedStatement s : snapshot.statements()) {
                BufferedWriter file = perConnection.get(s.connection());
                if (file == null) {
                    file = Files.newBufferedWriter(out.resolve(String.format(Locale.ROOT, "c%04d-%s.sql",
                            s.connection(), s.pod().replaceAll("[^A-Za-z0-9._-]+", "_"))), StandardCharsets.UTF_8);
                    perConnection.put(s.connection(), file);
                    file.write("-- connection " + s.connection() + " to " + s.pod() + (s.serverThread() == 0 ? ""
                            : " (server thread " + s.serverThread() + ")") + "\n");
                    if (!dropped.isEmpty()) {
                        file.write("-- " + dropped + ": this connection may have sent more before\n");
                    }
                }
                if (s.isClose()) {
                    file.write("-- closed at " + TIME.format(s.started()) + "\n");
                    continue;
                }
                count++;
                if (!s.test().equals(test)) {
                    test = s.test();
                    all.write("# test: " + (test.isEmpty() ? "(before the first test method)" : test) + "\n");
                }
                all.write(TIME.format(s.started()) + "\t" + s.connection() + "\t" + s.pod() + "\t" + s.serverThread()
                        + "\t" + outcome(s) + "\t" + escape(s.sql()) + "\n");
                file.write("-- " + TIME.format(s.started()) + duration(s) + " " + outcome(s) + "\n" + s.sql() + ";\n");
            }
        } finally {
            for (BufferedWriter file : perConnection.values()) {
                file.close();
            }
        }
        return count;
    }

    /** ok, failed, driver (Connector/J's own, at connect), or open (no answer yet when the bundle was written). */
    static String outcome(RecordedStatement s) {
        String outcome = s.ended() == null ? "open" : s.failed() ? "failed" : "ok";
        return s.driver() ? "driver-" + outcome : outcome;
    }

    private static String duration(RecordedStatement s) {
        Instant ended = s.ended();
        return ended == null ? "" : String.format(Locale.ROOT, " (%.3f ms)",
                Duration.between(s.started(), ended).toNanos() / 1e6);
    }

    /** One line: backslash, newline, tab and carriage return as \\, \n, \t, \r (bash's printf %b reads it back). */
    static String escape(String sql) {
        StringBuilder out = new StringBuilder(sql.length() + 8);
        for (int i = 0; i < sql.length(); i++) {
            char c = sql.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\t' -> out.append("\\t");
                case '\r' -> out.append("\\r");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
