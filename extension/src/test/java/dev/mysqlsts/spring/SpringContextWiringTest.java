package dev.mysqlsts.spring;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.mysqlsts.Faults;
import dev.mysqlsts.MySqlCluster;
import dev.mysqlsts.MySqlStatefulSet;
import dev.mysqlsts.junit.Fixtures;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.ClassOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.test.context.junit.jupiter.SpringJUnitConfig;

/**
 * A Spring test context of a {@code @MySqlStatefulSet} class gets the cluster's properties with no line in the class;
 * classes that share a cluster share one context (Spring's cache hits), and each finds the cluster as the previous
 * class should have left it. The fixtures run through the JUnit engine in a fixed order, as a build would run them.
 */
class SpringContextWiringTest {

    /** Context starts, by the test class the context was first made for. */
    static final Map<String, AtomicInteger> STARTS = new ConcurrentHashMap<>();
    static final Map<String, Object> SEEN = new ConcurrentHashMap<>();

    @Configuration
    static class Config {
        @Bean
        String started(Environment environment) {
            STARTS.computeIfAbsent(environment.getProperty("spring.datasource.url"), url -> new AtomicInteger()).incrementAndGet();
            return "started";
        }
    }

    @Retention(RetentionPolicy.RUNTIME)
    @MySqlStatefulSet(replicas = 2, shared = true)
    @SpringJUnitConfig(Config.class)
    @interface TeamCluster {
    }

    @TeamCluster
    @Order(1)
    static class FirstClass {
        @Value("${spring.datasource.url}")
        String url;
        @Value("${spring.datasource.username}")
        String user;
        @Value("${mysqlsts.read-url}")
        String readUrl;
        @Value("${mysqlsts.pods[1].url}")
        String podOneUrl;

        @Test
        void getsTheClustersPropertiesAndLeavesASchemaAndAFault(MySqlCluster cluster, Faults faults, ApplicationContext context)
                throws SQLException {
            assertEquals(cluster.jdbcUrl(), url);
            assertEquals("root", user);
            assertEquals(cluster.readJdbcUrl(), readUrl);
            assertEquals(cluster.pod(1).jdbcUrl(), podOneUrl);
            assertEquals(single(cluster.leader().jdbcUrl(), "SELECT @@server_id"), single(url, "SELECT @@server_id"),
                    "spring.datasource.url reaches the leader");
            SEEN.put("context", context);
            SEEN.put("url", url);
            execute(url, "CREATE DATABASE first_class");
            faults.stopReplication(1);
        }
    }

    @TeamCluster
    @Order(2)
    static class SecondClass {
        @Test
        void getsTheSameContextAndACleanCluster(MySqlCluster cluster, ApplicationContext context) throws SQLException {
            assertTrue(context == SEEN.get("context"), "the second class got another Spring context");
            assertEquals(SEEN.get("url"), cluster.jdbcUrl(), "the shared cluster's writer endpoint moved");
            assertEquals("0", single(cluster.leader().jdbcUrl(),
                    "SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = 'first_class'"),
                    "the first class's schema was not dropped");
            // a restarted IO thread may say "Connecting" for a moment after the repair
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertTrue(
                    cluster.replicaStatus(1).sqlRunning() && cluster.replicaStatus(1).ioRunning(),
                    "the first class's stopReplication(1) is still in force: " + cluster.replicaStatus(1).summary()));
        }
    }

    @MySqlStatefulSet(replicas = 1)
    @SpringJUnitConfig(Config.class)
    @Order(3)
    static class OwnCluster {
        @Value("${spring.datasource.url}")
        String url;

        @Test
        void getsItsOwnContext(ApplicationContext context) {
            assertNotEquals(SEEN.get("url"), url);
            assertTrue(context != SEEN.get("context"));
        }
    }

    /** Spring injects the test instance when it is made; with PER_CLASS that is before beforeAll. */
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    @MySqlStatefulSet(replicas = 1)
    @SpringJUnitConfig(Config.class)
    @Order(4)
    static class PerClassInstance {
        @Value("${spring.datasource.url}")
        String url;

        @Test
        void isInjectedWithTheRunningClustersUrl(MySqlCluster cluster) throws SQLException {
            assertEquals(cluster.jdbcUrl(), url);
            assertEquals("1", single(url, "SELECT 1"));
        }
    }

    @Test
    void sharedClassesShareOneContextAndFindTheClusterRepaired() {
        EngineExecutionResults results = EngineTestKit.engine("junit-jupiter")
                .selectors(selectClass(FirstClass.class), selectClass(SecondClass.class), selectClass(OwnCluster.class),
                        selectClass(PerClassInstance.class))
                .configurationParameter("mysqlsts.backend", "local")
                .configurationParameter("mysqlsts.keepFailedClusters", "false")
                .configurationParameter(ClassOrderer.DEFAULT_ORDER_PROPERTY_NAME, ClassOrderer.OrderAnnotation.class.getName())
                .execute();

        results.testEvents().assertStatistics(stats -> stats.started(4).succeeded(4));
        assertEquals(1, STARTS.get((String) SEEN.get("url")).get(), "contexts started on the shared cluster: " + STARTS);
        assertEquals(3, STARTS.size(), "contexts: " + STARTS);
        // the shared cluster ends with the run, and no class started a cluster twice
        assertEquals(List.of(), Fixtures.runningServers());
    }

    static String single(String url, String query) throws SQLException {
        try (Connection connection = DriverManager.getConnection(url); Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery(query)) {
            rs.next();
            return rs.getString(1);
        }
    }

    static void execute(String url, String sql) throws SQLException {
        try (Connection connection = DriverManager.getConnection(url); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }
}
