package dev.mysqlsts.local;

import dev.mysqlsts.backend.Settings;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where work that outlives a test run is kept (see {@link Stores}), private to the user ({@link PrivateDirectory}).
 * {@value #PROPERTY} (or {@value #ENVIRONMENT}) overrides; else {@code $XDG_CACHE_HOME/mysql-statefulset-junit},
 * else {@code ~/.cache/mysql-statefulset-junit}.
 */
final class CacheDirectory {

    static final String PROPERTY = "mysqlsts.cache.dir";
    static final String ENVIRONMENT = "MYSQLSTS_CACHE_DIR";

    private CacheDirectory() {
    }

    /** The cache directory, made or checked as {@link PrivateDirectory} says. */
    static Path of(Settings settings) {
        return PrivateDirectory.ensure(settings.get(PROPERTY, ENVIRONMENT).map(Path::of)
                .or(() -> Optional.ofNullable(System.getenv("XDG_CACHE_HOME")).filter(xdg -> !xdg.isBlank())
                        .map(xdg -> Path.of(xdg, "mysql-statefulset-junit")))
                .orElseGet(() -> Path.of(System.getProperty("user.home"), ".cache", "mysql-statefulset-junit"))
                .toAbsolutePath());
    }
}
