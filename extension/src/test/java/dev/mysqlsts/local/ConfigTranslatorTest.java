package dev.mysqlsts.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mysqlsts.manifest.ClusterSpec.ConfigFile;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Issue 19: a production config's options with a short form in the server's help are kept as written, MySQL 8's
 * listeners (X Protocol, administrative interface) are dropped with a note, and a really unknown option keeps its
 * error with the fix.
 */
class ConfigTranslatorTest {

    /** A translator for MariaDB 10.11, from an excerpt of its --help --verbose (no server needed). */
    static ConfigTranslator translator() throws IOException {
        try (InputStream in = ConfigTranslatorTest.class.getResourceAsStream("/server-help/mariadbd-10.11-help-verbose-excerpt.txt")) {
            return new ConfigTranslator(new ServerOptions(ServerOptions.parse(new String(in.readAllBytes(),
                    StandardCharsets.UTF_8))), "MariaDB 10.11.19");
        }
    }

    @Test
    void optionsWithAShortFormAreKeptAndMySqlListenersDropped() throws IOException {
        String config = """
                [mysqld]
                character-set-server = utf8mb4
                port = 3306
                mysqlx-bind-address = 0.0.0.0
                admin_port = 33062
                """;

        ConfigTranslator.Translation translation = translator().translate(new ConfigFile("master.cnf", config));

        assertTrue(translation.text().contains("character-set-server = utf8mb4\nport = 3306\n"), translation.text());
        assertTrue(translation.text().contains("# mysqlx-bind-address= 0.0.0.0  (dropped"), translation.text());
        assertTrue(translation.text().contains("# admin-port= 33062  (dropped"), translation.text());
        assertEquals(2, translation.notes().size(), translation.notes().toString());
    }

    @Test
    void aReallyUnknownOptionIsAnErrorWithTheFix() throws IOException {
        LocalBackendException unknown = assertThrows(LocalBackendException.class, () -> translator()
                .translate(new ConfigFile("slave.cnf", "[mysqld]\ninnodb-turbo-mode=ON\n")));
        assertTrue(unknown.getMessage().contains("slave.cnf sets 'innodb-turbo-mode', which MariaDB 10.11.19 does not "
                + "know") && unknown.getMessage().contains("loose-innodb-turbo-mode"), unknown.getMessage());
    }
}
