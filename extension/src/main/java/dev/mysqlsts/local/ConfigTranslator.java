package dev.mysqlsts.local;

import dev.mysqlsts.manifest.ClusterSpec.ConfigFile;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Makes a ConfigMap's server config acceptable to the local server: an option the server does not know is
 * replaced by its nearest equivalent (MySQL's {@code super-read-only} becomes MariaDB's {@code read-only})
 * and every replacement is reported. An unknown option without an equivalent is an error, as it would be
 * when the server starts.
 */
final class ConfigTranslator {

    private static final Set<String> SERVER_SECTIONS = Set.of("mysqld", "server", "mariadb", "mariadbd");

    private static final String X_PROTOCOL = "MariaDB has no X Protocol; LOCAL opens no port for it";
    private static final String ADMIN_INTERFACE = "MariaDB has no administrative connection interface; LOCAL opens no "
            + "port for it";

    /** MySQL option, then the MariaDB option (empty: drop it) and why. */
    private static final Map<String, String[]> EQUIVALENTS = Map.ofEntries(
            Map.entry("super-read-only", new String[] {"read-only",
                "MariaDB has no super-read-only; root has no READ_ONLY ADMIN here, so its writes fail as under super-read-only"}),
            Map.entry("gtid-mode", new String[] {"", "MariaDB's global transaction ids are always on"}),
            Map.entry("enforce-gtid-consistency", new String[] {"", "MariaDB's global transaction ids need no consistency mode"}),
            Map.entry("log-replica-updates", new String[] {"log-slave-updates", "MariaDB's name for it"}),
            Map.entry("skip-replica-start", new String[] {"skip-slave-start", "MariaDB's name for it"}),
            // MySQL 8's X Protocol and administrative interface listen on their own addresses and ports
            Map.entry("mysqlx", new String[] {"", X_PROTOCOL}),
            Map.entry("skip-mysqlx", new String[] {"", X_PROTOCOL}),
            Map.entry("mysqlx-bind-address", new String[] {"", X_PROTOCOL}),
            Map.entry("mysqlx-port", new String[] {"", X_PROTOCOL}),
            Map.entry("mysqlx-socket", new String[] {"", X_PROTOCOL}),
            Map.entry("admin-address", new String[] {"", ADMIN_INTERFACE}),
            Map.entry("admin-port", new String[] {"", ADMIN_INTERFACE}));

    /** The file's text as the server will read it, and one note per change. */
    record Translation(String text, List<String> notes) {
    }

    private final ServerOptions options;
    private final String server;

    ConfigTranslator(ServerOptions options, String server) {
        this.options = options;
        this.server = server;
    }

    Translation translate(ConfigFile file) {
        StringBuilder text = new StringBuilder();
        List<String> notes = new ArrayList<>();
        boolean serverSection = false;
        for (String line : file.content().split("\n", -1)) {
            String trimmed = line.trim();
            if (trimmed.startsWith("[") && trimmed.endsWith("]")) {
                String section = trimmed.substring(1, trimmed.length() - 1).trim();
                serverSection = SERVER_SECTIONS.contains(section) || section.startsWith("mysqld-")
                        || section.startsWith("mariadb-");
            } else if (serverSection && !trimmed.isEmpty() && !trimmed.startsWith("#") && !trimmed.startsWith(";")
                    && !trimmed.startsWith("!")) {
                int equals = trimmed.indexOf('=');
                String name = ServerOptions.normalize(equals < 0 ? trimmed : trimmed.substring(0, equals));
                if (!options.knows(name)) {
                    line = replacement(file, name, equals < 0 ? "" : trimmed.substring(equals), notes);
                }
            }
            text.append(line).append('\n');
        }
        return new Translation(text.toString().stripTrailing() + "\n", notes);
    }

    private String replacement(ConfigFile file, String name, String value, List<String> notes) {
        String[] equivalent = EQUIVALENTS.get(name);
        if (equivalent == null) {
            throw new LocalBackendException("ConfigMap key " + file.key() + " sets '" + name + "', which " + server
                    + " does not know, and the LOCAL backend has no equivalent for it.\nFix: remove it, write it as "
                    + "loose-" + name + " (servers ignore unknown loose- options), or run the K3S backend.");
        }
        if (equivalent[0].isEmpty()) {
            notes.add(file.key() + ": dropped " + name + " (" + equivalent[1] + ")");
            return "# " + name + value + "  (dropped by mysql-statefulset-junit: " + equivalent[1] + ")";
        }
        notes.add(file.key() + ": " + name + " -> " + equivalent[0] + " (" + equivalent[1] + ")");
        return equivalent[0] + value;
    }
}
