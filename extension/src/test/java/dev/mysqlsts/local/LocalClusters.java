package dev.mysqlsts.local;

import dev.mysqlsts.backend.Settings;
import dev.mysqlsts.manifest.ManifestLoader;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** Test helpers: start LOCAL clusters of the bundled manifests with given properties, and run SQL on pods. */
final class LocalClusters {

    private LocalClusters() {
    }

    static LocalStatefulSet start(int replicas, String... properties) {
        Map<String, String> values = new HashMap<>();
        for (int i = 0; i + 1 < properties.length; i += 2) {
            values.put(properties[i], properties[i + 1]);
        }
        Settings settings = Settings.from(key -> Optional.ofNullable(values.get(key)).or(() -> Optional.ofNullable(System.getProperty(key))));
        return (LocalStatefulSet) new LocalBackend().start(ManifestLoader.load("", replicas), settings);
    }

    static void execute(LocalStatefulSet cluster, int ordinal, String... statements) throws SQLException {
        try (Connection connection = DriverManager.getConnection(cluster.endpoint(ordinal).jdbcUrl());
             Statement sql = connection.createStatement()) {
            for (String statement : statements) {
                sql.execute(statement);
            }
        }
    }

    static long count(LocalStatefulSet cluster, int ordinal, String table) throws SQLException {
        try (Connection connection = DriverManager.getConnection(cluster.endpoint(ordinal).jdbcUrl());
             Statement sql = connection.createStatement();
             ResultSet rows = sql.executeQuery("SELECT COUNT(*) FROM " + table)) {
            rows.next();
            return rows.getLong(1);
        }
    }

    /** Whether MariaDB is installed on this host, and with it mariabackup. */
    static boolean hostHasMariaDb(boolean withBackup) {
        return ServerBinariesLocator.onHost()
                .map(server -> !withBackup || new ServerBinariesLocator(Settings.systemProperties()).locate().hasPhysicalBackup())
                .orElse(false);
    }
}
