package dev.mysqlsts.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.mysqlsts.Faults;
import dev.mysqlsts.MySqlCluster;
import dev.mysqlsts.MySqlStatefulSet;
import dev.mysqlsts.Ordinal;
import dev.mysqlsts.junit.Fixtures;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineTestKit;

/** Connecting to a frozen or crashed pod fails within the connect timeout, naming the pod and the fault. */
class ConnectionBoundsTest {

    /** Run with mysqlsts.connectTimeout=2 (seconds). */
    @MySqlStatefulSet(replicas = 2)
    static class WithATwoSecondConnectTimeout {

        @Test
        void aPausedPodsConnectionFailsNamingThePause(MySqlCluster cluster, Faults faults, @Ordinal(1) DataSource follower) {
            faults.pause(1);

            IllegalStateException frozen = assertTimeoutPreemptively(Duration.ofSeconds(20),
                    () -> assertThrows(IllegalStateException.class, () -> cluster.pod(1).connection()));
            assertTrue(frozen.getMessage().contains("cannot connect to pod mysql-1")
                    && frozen.getMessage().contains("within 2000 ms")
                    && frozen.getMessage().contains("mysql-1 is paused since")
                    && frozen.getMessage().contains("faults.resume(1) or heal() thaws it"), frozen.getMessage());
            assertTimeoutPreemptively(Duration.ofSeconds(20),
                    () -> assertThrows(IllegalStateException.class, follower::getConnection), "the DataSource too");

            faults.resume(1);
            try (Connection thawed = cluster.pod(1).connection()) {
                assertTrue(thawed.isValid(2));
            } catch (java.sql.SQLException e) {
                throw new AssertionError(e);
            }
        }
    }

    /** Run with mysqlsts.connectTimeout=1 and mysqlsts.socketTimeout=3 (seconds). */
    @MySqlStatefulSet(replicas = 2)
    static class WithAThreeSecondSocketTimeout {

        @Test
        void driverManagerConnectionsFromJdbcUrlAreBoundedOnAPausedPod(MySqlCluster cluster, Faults faults)
                throws java.sql.SQLException {
            String url = cluster.pod(1).jdbcUrl();
            assertTrue(url.contains("connectTimeout=1000") && url.contains("socketTimeout=3000"), url);
            try (Connection open = DriverManager.getConnection(url)) {
                faults.pause(1);
                long started = System.nanoTime();
                assertTimeoutPreemptively(Duration.ofSeconds(30), () -> assertThrows(java.sql.SQLException.class,
                        () -> open.createStatement().executeQuery("SELECT 1")), "a read on an open connection");
                assertTrue(Duration.ofNanos(System.nanoTime() - started).compareTo(Duration.ofSeconds(3)) >= 0,
                        "it waited the socket timeout, not less");
                assertTimeoutPreemptively(Duration.ofSeconds(30), () -> assertThrows(java.sql.SQLException.class,
                        () -> DriverManager.getConnection(url)), "a new connection: the handshake never comes");
            } finally {
                faults.resume(1);
            }
        }
    }

    @Test
    void aJdbcUrlConnectionToAPausedPodFailsWithinTheSocketTimeout() {
        var results = EngineTestKit.engine("junit-jupiter").selectors(selectClass(WithAThreeSecondSocketTimeout.class))
                .configurationParameter("mysqlsts.backend", "local")
                .configurationParameter("mysqlsts.connectTimeout", "1")
                .configurationParameter("mysqlsts.socketTimeout", "3")
                .configurationParameter("mysqlsts.keepFailedClusters", "false")
                .execute().testEvents();
        results.failed().stream().forEach(event -> event.getPayload(org.junit.platform.engine.TestExecutionResult.class)
                .flatMap(org.junit.platform.engine.TestExecutionResult::getThrowable).ifPresent(Throwable::printStackTrace));
        results.assertStatistics(stats -> stats.started(1).succeeded(1));
    }

    @Test
    void connectionsToFrozenPodsFailInsteadOfHanging() {
        var results = EngineTestKit.engine("junit-jupiter").selectors(selectClass(WithATwoSecondConnectTimeout.class))
                .configurationParameter("mysqlsts.backend", "local")
                .configurationParameter("mysqlsts.connectTimeout", "2")
                .configurationParameter("mysqlsts.keepFailedClusters", "false")
                .execute().testEvents();
        results.failed().stream().forEach(event -> event.getPayload(org.junit.platform.engine.TestExecutionResult.class)
                .flatMap(org.junit.platform.engine.TestExecutionResult::getThrowable).ifPresent(Throwable::printStackTrace));
        results.assertStatistics(stats -> stats.started(1).succeeded(1));
    }

    @Test
    void aTimeoutPropertyThatIsNoDurationIsNamed() {
        var results = EngineTestKit.engine("junit-jupiter").selectors(selectClass(WithATwoSecondConnectTimeout.class))
                .configurationParameter("mysqlsts.backend", "local")
                .configurationParameter("mysqlsts.connectTimeout", "soon")
                .execute().containerEvents();
        String message = results.failed().stream().findFirst()
                .flatMap(event -> event.getPayload(org.junit.platform.engine.TestExecutionResult.class))
                .flatMap(org.junit.platform.engine.TestExecutionResult::getThrowable).map(Throwable::getMessage).orElse("");
        assertEquals(true, message.contains("mysqlsts.connectTimeout=soon is not a duration"), message);
        assertEquals(java.util.List.of(), Fixtures.runningServers(), "the bad setting left a server running");
    }
}
