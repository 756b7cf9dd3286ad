package dev.mysqlsts.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mysqlsts.backend.Settings;
import dev.mysqlsts.cluster.StatefulSetCluster;
import dev.mysqlsts.manifest.ClusterSpec;
import dev.mysqlsts.manifest.ManifestLoader;
import dev.mysqlsts.replication.Sql;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * LOCAL runs the init container that writes the server config, whatever its script does: a team's own formula
 * ({@code printf ... $((SERVER_ID_BASE + idx)) > /etc/extra/id.cnf}, a case statement, its own mount paths and env)
 * gives the server-ids and roles it computes; a failing script fails the start with the pod, the container, the exit
 * code and the output.
 */
class InitContainerRunTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final String FIXTURE = "manifests-fixtures/team-init-script/";
    private static final List<String> FILES = List.of("mysql-configmap.yaml", "mysql-services.yaml",
            "mysql-statefulset.yaml");

    @Test
    void aTeamsOwnScriptGivesItsServerIdsAndRoles() {
        assertTeamScriptFollowed(start(fixture(), "mysqlsts.snapshot", "false"));
    }

    /** A machine without bubblewrap (mysqlsts.bwrap=none stands for one): the mount paths are rewritten instead. */
    @Test
    void withoutBubblewrapTheScriptRunsWithItsMountPathsRewritten() {
        assertTeamScriptFollowed(start(fixture(), "mysqlsts.snapshot", "false", "mysqlsts.bwrap", "none"));
    }

    @Test
    void aBwrapSettingThatIsNoProgramIsRefused() {
        LocalBackendException failure = assertThrows(LocalBackendException.class,
                () -> start(fixture(), "mysqlsts.bwrap", "/no/such/bwrap").close());
        assertTrue(failure.getMessage().contains("mysqlsts.bwrap=/no/such/bwrap is not an executable file"),
                failure.getMessage());
    }

    private static String fixture() {
        return ManifestDrivenStartTest.class.getClassLoader().getResource(FIXTURE).getPath();
    }

    private static void assertTeamScriptFollowed(LocalStatefulSet cluster) {
        try {
            for (int ordinal = 0; ordinal < 3; ordinal++) {
                assertEquals(Integer.toString(500 + ordinal), ManifestDrivenStartTest.row(cluster, ordinal,
                        "SELECT @@server_id AS id").get("id"), "mysql-" + ordinal + "'s server-id, from its own printf");
            }
            assertEquals("0", ManifestDrivenStartTest.row(cluster, 0, "SELECT @@read_only AS ro").get("ro"));
            for (int ordinal : List.of(1, 2)) {
                assertEquals("1", ManifestDrivenStartTest.row(cluster, ordinal, "SELECT @@read_only AS ro").get("ro"),
                        "mysql-" + ordinal + " got replica.cnf through the case statement (super-read-only, translated)");
            }
            Sql.execute(cluster.endpoint(0).adminJdbcUrl(), TIMEOUT, "CREATE DATABASE team_ok");
            new StatefulSetCluster(cluster).awaitReplicationCaughtUp();
            for (int ordinal : List.of(1, 2)) {
                assertEquals(1, Sql.rows(cluster.endpoint(ordinal).adminJdbcUrl(), TIMEOUT,
                        "SHOW DATABASES LIKE 'team_ok'").size(), "mysql-" + ordinal + " replicates");
            }
        } finally {
            cluster.close();
        }
    }

    /**
     * The held-out team's own line, word for word: {@code printf '[mysqld]\nserver-id=%d\n' $((500 + idx)) >
     * /etc/extra/id.cnf}. The init container's run alone (no server), in bubblewrap where it is installed and with
     * its mount paths rewritten: each pod's conf.d holds the file the script wrote, with 500 + its ordinal.
     */
    @ParameterizedTest
    @ValueSource(strings = {"", "none"})
    void theHeldOutTeamsPrintfWritesServerId500PlusTheOrdinal(String bwrap, @TempDir Path dir) throws IOException {
        copyFixture(dir, "printf '[mysqld]\\nserver-id=%d\\n' $((SERVER_ID_BASE + idx)) > /etc/extra/id.cnf",
                "printf '[mysqld]\\nserver-id=%d\\n' $((500 + idx)) > /etc/extra/id.cnf");
        assertTrue(Files.readString(dir.resolve("mysql-statefulset.yaml"))
                .contains("printf '[mysqld]\\nserver-id=%d\\n' $((500 + idx)) > /etc/extra/id.cnf\n"), "the line");
        ClusterSpec spec = ManifestLoader.load(dir.toString(), -1);
        ConfigTranslator translator = ConfigTranslatorTest.translator();
        ConfigInitRunner init = ConfigInitRunner.of(spec, dir.resolve("cluster"), translator,
                translator.translate(spec.leaderConfig()).text(), translator.translate(spec.followerConfig()).text(),
                TIMEOUT, bwrap.isEmpty() ? Optional.empty() : Optional.of(bwrap));

        for (int ordinal = 0; ordinal < 3; ordinal++) {
            PodDirectory pod = new PodDirectory(Files.createDirectories(dir.resolve("mysql-" + ordinal)));
            init.fill(pod, ordinal, ordinal == 0);
            assertEquals("[mysqld]\nserver-id=" + (500 + ordinal) + "\n", Files.readString(pod.confD().resolve("id.cnf")),
                    "mysql-" + ordinal + "'s id.cnf");
            assertTrue(Files.exists(pod.confD().resolve(ordinal == 0 ? "primary.cnf" : "replica.cnf")),
                    "mysql-" + ordinal + "'s role file, chosen by the case statement");
        }
    }

    @Test
    void aFailingScriptFailsTheStartNamingThePodTheContainerTheExitCodeAndTheOutput(@TempDir Path dir)
            throws IOException {
        copyFixture(dir, "          set -eu\n",
                "          set -eu\n          echo \"no server-id for $HOSTNAME\" >&2\n          exit 3\n");

        LocalBackendException failure = assertThrows(LocalBackendException.class, () -> start(dir.toString()).close());

        String message = failure.getMessage();
        assertTrue(message.contains("pod mysql-0: init container write-config exited with code 3"), message);
        assertTrue(message.contains("no server-id for mysql-0"), message);
    }

    @Test
    void aVolumeLocalCannotGiveIsRefusedBeforeAnyPodStarts(@TempDir Path dir) throws IOException {
        copyFixture(dir, "        - name: config-map\n          mountPath: /etc/team-config\n",
                "        - name: config-map\n          mountPath: /etc/team-config\n"
                        + "        - name: creds\n          mountPath: /etc/creds\n");
        Path statefulSet = dir.resolve("mysql-statefulset.yaml");
        Files.writeString(statefulSet, Files.readString(statefulSet).replace("      volumes:\n",
                "      volumes:\n      - name: creds\n        secret:\n          secretName: team-creds\n"));

        LocalBackendException failure = assertThrows(LocalBackendException.class, () -> start(dir.toString()).close());

        assertTrue(failure.getMessage().contains("init container write-config mounts volume creds")
                && failure.getMessage().contains("which the LOCAL backend cannot give it"), failure.getMessage());
    }

    private static LocalStatefulSet start(String manifests) {
        return start(manifests, "mysqlsts.snapshot", "false");
    }

    /** Starts the manifests with these settings (name, value, ...) over the system properties. */
    private static LocalStatefulSet start(String manifests, String... settings) {
        Map<String, String> given = new HashMap<>();
        for (int i = 0; i + 1 < settings.length; i += 2) {
            given.put(settings[i], settings[i + 1]);
        }
        Settings all = Settings.from(key -> Optional.ofNullable(given.getOrDefault(key, System.getProperty(key))));
        return (LocalStatefulSet) new LocalBackend().start(ManifestLoader.load(manifests, -1), all);
    }

    private static void copyFixture(Path dir, String from, String to) throws IOException {
        for (String file : FILES) {
            try (InputStream in = InitContainerRunTest.class.getClassLoader().getResourceAsStream(FIXTURE + file)) {
                String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                Files.writeString(dir.resolve(file), text.replace(from, to));
            }
        }
    }
}
