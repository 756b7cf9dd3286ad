package dev.mysqlsts.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mysqlsts.FaultEvent;
import dev.mysqlsts.Faults;
import dev.mysqlsts.MySqlCluster;
import dev.mysqlsts.MySqlStatefulSet;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** A schedule undoes its own faults only: what the test injected itself stays in force. */
@MySqlStatefulSet(replicas = 3)
class ScheduleKeepsTheTestsFaultsTest {

    /** Its only fault: isolate(1), 1.2 s after the start, held 1.2 s. */
    private static final long SEED = 3;
    private static final Duration LENGTH = Duration.ofSeconds(4);

    @Test
    void liftingItsIsolationLeavesTheTestsOwnLatencyInForce(MySqlCluster cluster, Faults faults) throws SQLException {
        assertEquals(List.of("isolate[1]"), ChaosPlan.plan(SEED, LENGTH, 3, 0).stream()
                .map(step -> step.kind() + step.ordinals()).toList(), "the premise: the seed's plan");
        faults.latency(2, Duration.ofMillis(300));

        faults.schedule(SEED, LENGTH);
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() ->
                faults.history().stream().anyMatch(e -> e.kind().equals("isolate") && e.ended() != null));

        long started = System.nanoTime();
        try (Connection connection = cluster.pod(2).connection()) {
            connection.createStatement().execute("SELECT 1");
        }
        long millis = (System.nanoTime() - started) / 1_000_000;
        assertTrue(millis >= 300, "mysql-2 answered in " + millis + " ms: lifting the schedule's isolate(1) lifted the "
                + "test's latency(2, 300 ms) too");
        FaultEvent latency = faults.history().stream().filter(e -> e.kind().equals("latency")).findFirst().orElseThrow();
        assertNull(latency.ended(), "the history says the latency is still in force");
    }
}
