package dev.mysqlsts.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mysqlsts.FaultEvent;
import dev.mysqlsts.statements.RecordedStatement;
import dev.mysqlsts.statements.StatementLog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bundle's statement files and replay plan from a recording, without a server. */
class StatementFilesTest {

    private static final Instant T0 = Instant.parse("2026-12-02T10:00:00Z");

    @TempDir
    Path dir;

    @Test
    void filesPerConnectionAMergedFileAndTheDroppedCount() throws Exception {
        RecordedStatement first = statement(1, 1, "mysql-0", 0, "INSERT INTO t VALUES ('a\\b\nc')");
        RecordedStatement second = statement(2, 2, "mysql-1", 5, "SELECT * FROM t");
        RecordedStatement failed = statement(3, 1, "mysql-0", 9, "INSERT INTO t VALUES (1)");
        failed.end(true);
        RecordedStatement close = new RecordedStatement(4, 1, "mysql-0", 0, T0.plusMillis(12), null, "T.m", false);

        long count = StatementFiles.write(dir, new StatementLog.Snapshot(List.of(first, second, failed, close), 7, 4));

        assertEquals(3, count);
        String all = Files.readString(dir.resolve("statements/all.tsv"));
        assertTrue(all.contains("# 7 earlier statements dropped (the recording keeps the newest 4"), all);
        assertTrue(all.contains("2026-12-02T10:00:00.000000Z\t1\tmysql-0\t11\tok\tINSERT INTO t VALUES ('a\\\\b\\nc')\n"
                + "2026-12-02T10:00:00.005000Z\t2\tmysql-1\t11\tok\tSELECT * FROM t\n"
                + "2026-12-02T10:00:00.009000Z\t1\tmysql-0\t11\tfailed\tINSERT INTO t VALUES (1)\n"), all);
        String one = Files.readString(dir.resolve("statements/c0001-mysql-0.sql"));
        assertTrue(one.contains("7 earlier statements dropped") && one.contains("INSERT INTO t VALUES ('a\\b\nc');")
                && one.contains(" failed\nINSERT INTO t VALUES (1);") && one.endsWith("-- closed at 2026-12-02T10:00:00.012000Z\n"),
                one);
        assertTrue(Files.exists(dir.resolve("statements/c0002-mysql-1.sql")));
    }

    @Test
    void theReplayPlanInterleavesStatementsAndFaultsByTime() {
        List<String> lines = ReplayPlan.lines(
                List.of(statement(1, 1, "mysql-0", 0, "BEGIN"), statement(2, 1, "mysql-0", 300, "COMMIT"),
                        statement(3, 2, "mysql writer endpoint", 400, "SELECT 1")),
                List.of(new FaultEvent("kill", List.of(2), T0.plusMillis(100), T0.plusMillis(900)),
                        new FaultEvent("delayReplication", List.of(1), T0.plusMillis(200), null)),
                List.of("", "5 s"), List.of(new FaultEvent("promote", List.of(1), T0.plusMillis(350), T0.plusMillis(360))),
                pod -> pod.equals("mysql-0") ? 0 : pod.equals("mysql-1") ? 1 : 0);

        assertEquals(List.of(
                "0\tS\t1\t0\tok\tBEGIN",
                "100\tF\t-\t2\tkill\t-",
                "200\tF\t-\t1\tdelayReplication\t5s",
                "300\tS\t1\t0\tok\tCOMMIT",
                "350\tM\t-\t1\tpromote\t-",
                "400\tS\t2\t0\tok\tSELECT 1",
                "900\tE\t-\t2\tkill\t-"), lines.subList(1, lines.size()));
    }

    private static RecordedStatement statement(long sequence, int connection, String pod, long millis, String sql) {
        RecordedStatement s = new RecordedStatement(sequence, connection, pod, 11, T0.plusMillis(millis), sql, "T.m", false);
        s.end(false);
        return s;
    }
}
