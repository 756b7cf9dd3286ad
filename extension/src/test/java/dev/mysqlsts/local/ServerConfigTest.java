package dev.mysqlsts.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mysqlsts.backend.Settings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 19: whatever a pod's conf.d says, also through {@code !include} and {@code !includedir} and in any of the
 * server's option groups, the server the harness starts listens on 127.0.0.1 at the pod's port, keeps its data,
 * socket, logs and temporary files in the run's directories, and gets the config's other options unchanged. What the
 * server would run with is read from the real server's {@code --help --verbose} on the written my.cnf.
 */
class ServerConfigTest {

    @TempDir
    Path dir;

    private static ServerBinaries binaries(String server) {
        if (!server.equals(ServerBinariesLocator.CLASSPATH)) {
            assumeTrue(Files.isExecutable(Path.of(server)), server + " is not installed on this host");
        }
        return new ServerBinariesLocator(Settings.from(
                key -> key.equals(ServerBinariesLocator.PROPERTY) ? Optional.of(server) : Optional.empty())).locate();
    }

    /** A pod whose conf.d holds a production config that includes a file and a directory from elsewhere. */
    private PodDirectory productionPod() throws IOException {
        Path outside = Files.createDirectories(dir.resolve("outside"));
        Files.createDirectories(outside.resolve("more"));
        Files.writeString(outside.resolve("evil.cnf"), """
                [mysqld]
                bind=0.0.0.0
                datadir=/var/lib/mysql
                socket=/var/run/mysqld/mysqld.sock
                log-bin=/var/log/mysql/mysql-bin
                innodb_log_group_home_dir=/var/lib/mysql
                tmpdir=/tmp:/var/tmp
                user=mysql
                secure-file-priv=/var/lib/mysql-files
                init-connect='SET NAMES utf8mb4 # "x"'
                """);
        Files.writeString(outside.resolve("more/z.cnf"), """
                [server]
                port=3306
                skip-networking
                extra-port=3307
                pid-file=/var/run/mysqld/mysqld.pid
                """);
        PodDirectory pod = new PodDirectory(Files.createDirectories(dir.resolve("cluster/mysql-0")));
        Files.createDirectories(pod.confD());
        Files.writeString(pod.confD().resolve("master.cnf"), """
                [mysqld]
                bind-address = 0.0.0.0
                character-set-server = utf8mb4
                slow_query_log_file = /var/log/mysql/mariadb-slow.log
                !include %s
                !includedir %s
                [mariadb]
                log-error = /var/log/mysql/error.log
                """.formatted(outside.resolve("evil.cnf"), outside.resolve("more")));
        return pod;
    }

    @ParameterizedTest
    @ValueSource(strings = {"/usr/sbin/mariadbd", ServerBinariesLocator.CLASSPATH})
    void noIncludedConfigPlacesTheServerOutsideItsPodAndLoopback(String server) throws IOException {
        ServerBinaries binaries = binaries(server);
        PodDirectory pod = productionPod();
        int port = Ports.free();

        ServerConfig.write(pod, binaries, "mysql-0", port, PodEnvironment.HARNESS_OPTIONS);
        Map<String, String> effective = effective(binaries, pod);

        assertEquals("127.0.0.1", effective.get("bind-address"));
        assertEquals(Integer.toString(port), effective.get("port"));
        assertEquals("FALSE", effective.get("skip-networking"));
        assertEquals("0", effective.get("extra-port"));
        assertEquals(pod.data() + "/", effective.get("datadir"));
        assertEquals(ProcessReaper.get().runDirectory().resolve(port + ".sock").toString(), effective.get("socket"));
        assertEquals(pod.errorLog().toString(), effective.get("log-error"));
        assertEquals(pod.data().toString(), effective.get("innodb-log-group-home-dir"));
        assertEquals(pod.rootFs() + "/var/log/mysql/mysql-bin", effective.get("log-bin"));
        assertEquals(pod.rootFs() + "/var/log/mysql/mariadb-slow.log", effective.get("slow-query-log-file"));
        assertEquals(pod.rootFs() + "/var/run/mysqld/mysqld.pid", effective.get("pid-file"));
        assertEquals(pod.rootFs() + "/var/lib/mysql-files/", effective.get("secure-file-priv"));
        assertEquals(pod.rootFs() + "/tmp:" + pod.rootFs() + "/var/tmp", effective.get("tmpdir"));
        for (String made : List.of("var/log/mysql", "var/run/mysqld", "var/lib/mysql-files", "tmp", "var/tmp")) {
            assertTrue(Files.isDirectory(pod.rootFs().resolve(made)), "made " + made + " under " + pod.rootFs());
        }
        // what is not placement stays as written, escapes and all
        assertEquals("utf8mb4", effective.get("character-set-server"));
        assertEquals("SET NAMES utf8mb4 # \"x\"", effective.get("init-connect"));
        String cnf = Files.readString(pod.myCnf());
        assertFalse(cnf.contains("!include"), cnf);
        assertFalse(cnf.contains("user=mysql") || cnf.contains("0.0.0.0") || cnf.contains("3306"), cnf);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/usr/sbin/mariadbd"})
    void eachConfinedOptionHasOneNoteWithWhatTheConfigSaidAndWhatLocalDoes(String server) throws IOException {
        ServerBinaries binaries = binaries(server);
        PodDirectory pod = productionPod();

        List<String> notes = new PlacementOptions(pod, ServerOptions.of(binaries, ProcessReaper.get().runDirectory()))
                .confine(ServerConfig.resolve(pod, binaries)).notes();

        Map<String, String> expected = new HashMap<>();
        expected.put("bind-address=0.0.0.0", "listens on 127.0.0.1 only");
        expected.put("bind=0.0.0.0", "listens on 127.0.0.1 only");
        expected.put("port=3306", "its own free port");
        expected.put("datadir=/var/lib/mysql", "own volume directory");
        expected.put("socket=/var/run/mysqld/mysqld.sock", "its own socket");
        expected.put("log-bin=/var/log/mysql/mysql-bin", "<pod directory>/rootfs/var/log/mysql/mysql-bin");
        expected.put("tmpdir=/tmp:/var/tmp", "<pod directory>/rootfs/tmp:<pod directory>/rootfs/var/tmp");
        expected.put("user=mysql", "as the user who runs the tests");
        expected.put("skip-networking", "serve TCP on 127.0.0.1");
        expected.put("extra-port=3307", "no second port");
        expected.put("log-error=/var/log/mysql/error.log", "error.log in the pod's directory");
        expected.put("innodb_log_group_home_dir=/var/lib/mysql", "<pod directory>/data instead");
        expected.forEach((option, instead) -> {
            List<String> about = notes.stream().filter(note -> note.startsWith("the config sets " + option + ";")).toList();
            assertEquals(1, about.size(), option + " in " + notes);
            assertTrue(about.get(0).contains(instead), about.get(0));
        });
        assertEquals(15, notes.size(), "one note per confined option: " + notes);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/usr/sbin/mariadbd"})
    void anIncludedInitFileOrAPathOutOfTheDataDirectoryIsRefused(String server) throws IOException {
        ServerBinaries binaries = binaries(server);
        PodDirectory pod = new PodDirectory(Files.createDirectories(dir.resolve("cluster/mysql-1")));
        Files.createDirectories(pod.confD());
        Files.writeString(dir.resolve("init.cnf"), "[mysqld]\ninit_file=/etc/setup.sql\n");
        Files.writeString(pod.confD().resolve("slave.cnf"), "[mysqld]\n!include " + dir.resolve("init.cnf") + "\n");

        LocalBackendException initFile = assertThrows(LocalBackendException.class,
                () -> ServerConfig.write(pod, binaries, "mysql-1", Ports.free(), List.of()));
        assertTrue(initFile.getMessage().contains("mysql-1 sets init-file"), initFile.getMessage());

        Files.writeString(pod.confD().resolve("slave.cnf"), "[mysqld]\nlog-bin=../../../../etc/binlog\n");
        LocalBackendException outOf = assertThrows(LocalBackendException.class,
                () -> ServerConfig.write(pod, binaries, "mysql-1", Ports.free(), List.of()));
        assertTrue(outOf.getMessage().contains("log-bin=../../../../etc/binlog, which leads out of the server's data "
                + "directory"), outOf.getMessage());
    }

    /** The variables the server would run with, from the table at the end of its --help --verbose. */
    private static Map<String, String> effective(ServerBinaries binaries, PodDirectory pod) {
        List<String> command = new ArrayList<>(List.of(binaries.server().toString(), "--defaults-file=" + pod.myCnf()));
        if (ServerProcess.runningAsRoot()) {
            command.add("--user=root");
        }
        command.addAll(List.of("--help", "--verbose"));
        String help = Commands.run(command, pod.consoleLog(), Duration.ofSeconds(60));
        Map<String, String> values = new HashMap<>();
        boolean table = false;
        for (String line : help.split("\n")) {
            if (line.startsWith("-------")) {
                table = true;
            } else if (table && !line.isBlank()) {
                String[] parts = line.split("\\s+", 2);
                values.put(parts[0], parts.length > 1 ? parts[1].trim() : "");
            }
        }
        return values;
    }
}
