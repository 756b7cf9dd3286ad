package dev.mysqlsts.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.mysqlsts.MySqlCluster;
import dev.mysqlsts.MySqlStatefulSet;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Configuration;
import org.springframework.test.context.junit.jupiter.SpringJUnitConfig;

/**
 * With {@code mysqlsts.rootPassword=random}, {@code spring.datasource.username} and {@code spring.datasource.password}
 * log in on their own, as a pool given them beside a URL without credentials does.
 */
class RootPasswordPropertiesTest {

    @Configuration
    static class Config {
    }

    @MySqlStatefulSet(replicas = 1)
    @SpringJUnitConfig(Config.class)
    static class WithARandomRootPassword {
        @Value("${spring.datasource.username}")
        String user;
        @Value("${spring.datasource.password}")
        String password;

        @Test
        void theDatasourcePropertiesCarryRootsPassword(MySqlCluster cluster) throws Exception {
            assertFalse(password.isEmpty(), "spring.datasource.password is empty");
            assertTrue(cluster.jdbcUrl().contains("password=" + password), cluster.jdbcUrl());
            String url = cluster.jdbcUrl().replaceFirst("\\?.*", "?useSSL=false&allowPublicKeyRetrieval=true");
            try (Connection c = DriverManager.getConnection(url, user, password); Statement s = c.createStatement();
                 ResultSet rows = s.executeQuery("SELECT CURRENT_USER()")) {
                assertTrue(rows.next());
                assertTrue(rows.getString(1).startsWith("root@"), rows.getString(1));
            }
        }
    }

    @Test
    void springGetsRootsRandomPassword() {
        EngineExecutionResults results = EngineTestKit.engine("junit-jupiter")
                .selectors(selectClass(WithARandomRootPassword.class))
                .configurationParameter("mysqlsts.backend", "local")
                .configurationParameter("mysqlsts.keepFailedClusters", "false")
                .configurationParameter("mysqlsts.rootPassword", "random")
                .execute();
        results.allEvents().failed().stream().forEach(event -> System.err.println(event));
        assertEquals(1, results.testEvents().succeeded().count(), "the fixture's test passed");
        results.testEvents().assertStatistics(stats -> stats.started(1).succeeded(1));
    }
}
