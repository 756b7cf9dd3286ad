package dev.mysqlsts.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mysqlsts.backend.Settings;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 19: every option the server knows is known, those with a short form ({@code -C, --character-set-server})
 * included, with the prefixes the server's option parser accepts; a really unknown option is not.
 */
class ServerOptionsTest {

    /** Options a production my.cnf sets, with and without a short form in {@code --help --verbose}. */
    static final List<String> PRODUCTION = List.of("character-set-server", "collation-server", "max_connections",
            "innodb_buffer_pool_size", "innodb_log_file_size", "sql_mode", "innodb_flush_log_at_trx_commit",
            "sync_binlog", "binlog_format", "expire_logs_days", "skip-name-resolve", "bind-address", "port", "datadir",
            "socket", "pid-file", "log-error", "tmpdir", "user", "basedir", "lc-messages-dir", "log-warnings");

    private static ServerOptions excerpt() throws IOException {
        try (InputStream in = ServerOptionsTest.class.getResourceAsStream("/server-help/mariadbd-10.11-help-verbose-excerpt.txt")) {
            return new ServerOptions(ServerOptions.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"character-set-server", "port", "datadir", "user", "tmpdir", "lc-messages-dir",
        "log-warnings", "chroot", "basedir", "language", "bind-address", "skip-networking", "max-connections"})
    void optionsOfTheCapturedHelpAreKnownWithOrWithoutAShortForm(String option) throws IOException {
        assertTrue(excerpt().knows(option), option);
        assertEquals(Optional.of(option), excerpt().canonical(option));
    }

    @Test
    void prefixesUnderscoresAndUniquePrefixesAreReadAsTheServerReadsThem() throws IOException {
        ServerOptions options = excerpt();
        Map<String, String> written = Map.of(
                "character_set_server", "character-set-server",
                "loose-character-set-server", "character-set-server",
                "skip-log-bin", "log-bin",
                "disable-log-slave-updates", "log-slave-updates",
                "enable-read-only", "read-only",
                "maximum-max-connections", "max-connections",
                "bind", "bind-address",        // my_getopt takes a unique prefix: bind=0.0.0.0 sets bind-address
                "port", "port",                // exact, though port-open-timeout starts with it
                "skip-networking", "skip-networking");
        written.forEach((name, canonical) -> assertEquals(Optional.of(canonical), options.canonical(name), name));
        assertTrue(options.knows("loose-innodb-turbo-mode"), "loose- options are ignored by the server when unknown");
    }

    @Test
    void aReallyUnknownOrAmbiguousOptionIsNotKnown() throws IOException {
        ServerOptions options = excerpt();
        assertFalse(options.knows("super-read-only"));
        assertFalse(options.knows("innodb-turbo-mode"));
        assertFalse(options.knows("log"), "a prefix of several options is ambiguous for the server too");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/usr/sbin/mariadbd", ServerBinariesLocator.CLASSPATH})
    void aRealServerKnowsEveryOptionOfAProductionConfig(String server) {
        if (!server.equals(ServerBinariesLocator.CLASSPATH)) {
            assumeTrue(Files.isExecutable(Path.of(server)), server + " is not installed on this host");
        }
        ServerBinaries binaries = new ServerBinariesLocator(Settings.from(
                key -> key.equals(ServerBinariesLocator.PROPERTY) ? Optional.of(server) : Optional.empty())).locate();
        ServerOptions options = ServerOptions.of(binaries, ProcessReaper.get().runDirectory());
        for (String option : PRODUCTION) {
            assertTrue(options.knows(option), binaries + " knows " + option);
        }
        assertFalse(options.knows("super-read-only"), binaries + " has no super-read-only");
    }
}
