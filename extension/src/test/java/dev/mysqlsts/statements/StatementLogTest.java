package dev.mysqlsts.statements;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The recording's bound and its URL parameters, without a server. */
class StatementLogTest {

    @Test
    void theRingKeepsTheNewestStatementsAndCountsTheDroppedOnes() {
        StatementLog log = StatementLog.create(3);
        for (int i = 1; i <= 5; i++) {
            log.sent(1, "mysql-0", 7, "INSERT INTO t VALUES (" + i + ")", false).end(false);
        }
        StatementLog.Snapshot snapshot = log.snapshot();
        assertEquals(2, snapshot.dropped());
        assertEquals(List.of("INSERT INTO t VALUES (3)", "INSERT INTO t VALUES (4)", "INSERT INTO t VALUES (5)"),
                snapshot.statements().stream().map(RecordedStatement::sql).toList());
    }

    @Test
    void aUrlCarriesTheInterceptorUntilTheHarnessStripsIt() {
        StatementLog log = StatementLog.create(10);
        String url = "jdbc:mysql://127.0.0.1:3306/?user=root&password=&useSSL=false" + log.urlParameters()
                + "&connectTimeout=10";
        assertTrue(url.contains("queryInterceptors=dev.mysqlsts.statements.StatementRecorder&mysqlstsStatements="), url);
        assertEquals("jdbc:mysql://127.0.0.1:3306/?user=root&password=&useSSL=false&connectTimeout=10",
                StatementLog.unrecorded(url));
        assertEquals("", StatementLog.create(0).urlParameters(), "0 turns recording off: no interceptor in the URL");
    }

    @Test
    void aBadBoundNamesThePropertyAndTheFix() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> StatementLog.fromSetting(Optional.of("lots")));
        assertTrue(e.getMessage().contains("mysqlsts.statements.max=lots is not a number") && e.getMessage().contains("0 to record none"),
                e.getMessage());
    }
}
