package dev.mysqlsts.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Keeps a pod's server on its own piece of this host whatever its config says. A production config places the server
 * in its container ({@code bind-address=0.0.0.0}, {@code port=3306}, {@code datadir=/var/lib/mysql},
 * {@code log-error=/var/log/mysql/error.log}...); on LOCAL that container is the developer's machine. So, for every
 * option of the pod's resolved config (includes followed, see {@link ServerConfig}):
 * <ul>
 *   <li>an option that says where the server listens, who it runs as or where its installation is
 *       ({@link #HARNESS_OWNED}) is dropped: the harness's own value applies;</li>
 *   <li>an option that names a file or directory ({@link #PATHS}, and any option whose name ends in {@code -file},
 *       {@code -dir}, {@code -path}, {@code -directory} or {@code -filename}, such as a plugin's) keeps its value
 *       when it is relative (the server reads it in its data directory) and is mapped into the pod's directory when
 *       it is absolute: a path in the container's data volume ({@value #IMAGE_DATADIR} or the config's own datadir)
 *       to the same path in the pod's {@code data/}, any other to the same path under the pod's {@code rootfs/}
 *       (created, as the image would have it); a relative path that leads out with {@code ..} is refused.</li>
 * </ul>
 * The option list of MariaDB's {@code mariadbd --help --verbose} (10.11, 11.4) was read for every option that takes an
 * address, a port or a path.
 */
final class PlacementOptions {

    /** Where the MariaDB and MySQL images keep their data: the container's data volume. */
    static final String IMAGE_DATADIR = "/var/lib/mysql";

    /** Options whose value the harness sets, and what LOCAL does instead. */
    static final Map<String, String> HARNESS_OWNED = Map.ofEntries(
            Map.entry("bind-address", "LOCAL listens on 127.0.0.1 only"),
            Map.entry("port", "LOCAL gives each pod its own free port on 127.0.0.1"),
            Map.entry("extra-port", "LOCAL opens no second port on the host"),
            // MySQL 8's X Protocol and administrative interface (sql/mysqld.cc admin_address/admin_port; the mysqlx
            // plugin's options): LOCAL switches the X Plugin off (mysqlx=0) and opens no admin interface
            Map.entry("mysqlx-port", "LOCAL opens no X Protocol port (mysqlx=0)"),
            Map.entry("mysqlx-bind-address", "LOCAL opens no X Protocol port (mysqlx=0)"),
            Map.entry("mysqlx-socket", "LOCAL opens no X Protocol socket (mysqlx=0)"),
            Map.entry("admin-address", "LOCAL opens no administrative connection interface"),
            Map.entry("admin-port", "LOCAL opens no administrative connection interface"),
            Map.entry("skip-networking", "LOCAL pods serve TCP on 127.0.0.1 (probes, clones and replication use it)"),
            Map.entry("socket", "LOCAL gives each pod its own socket in the run directory"),
            Map.entry("datadir", "LOCAL keeps each pod's data in the pod's own volume directory (data/)"),
            Map.entry("log-error", "LOCAL writes each pod's error log to error.log in the pod's directory"),
            Map.entry("log-basename", "LOCAL names each pod's log files after the pod"),
            Map.entry("user", "LOCAL runs the server as the user who runs the tests"),
            Map.entry("chroot", "LOCAL does not chroot the server"),
            Map.entry("basedir", "LOCAL uses the server installation's own directories"),
            Map.entry("plugin-dir", "LOCAL uses the server installation's own directories"),
            Map.entry("lc-messages-dir", "LOCAL uses the server installation's own directories"),
            Map.entry("language", "LOCAL uses the server installation's own directories"),
            Map.entry("character-sets-dir", "LOCAL uses the server installation's own directories"));

    /** Options whose value is a file or a directory. */
    static final Set<String> PATHS = Set.of("pid-file", "general-log-file", "slow-query-log-file",
            "log-slow-query-file", "log-bin", "log-bin-index", "relay-log", "relay-log-index", "relay-log-info-file",
            "master-info-file", "log-tc", "log-isam", "log-ddl-recovery", "tmpdir", "innodb-tmpdir",
            "innodb-data-home-dir", "innodb-log-group-home-dir", "innodb-undo-directory", "innodb-data-file-path",
            "innodb-temp-data-file-path", "innodb-buffer-pool-filename", "aria-log-dir-path", "secure-file-priv",
            "slave-load-tmpdir", "des-key-file", "ft-stopword-file", "ssl-ca", "ssl-capath", "ssl-cert", "ssl-key",
            "ssl-crl", "ssl-crlpath", "wsrep-provider", "wsrep-data-home-dir", "wsrep-status-file", "wsrep-notify-cmd");

    /** Path options whose value is a directory (made when mapped); any other path's parent directory is made. */
    private static final Set<String> DIRECTORIES = Set.of("tmpdir", "innodb-tmpdir", "innodb-data-home-dir",
            "innodb-log-group-home-dir", "innodb-undo-directory", "aria-log-dir-path", "secure-file-priv",
            "slave-load-tmpdir", "wsrep-data-home-dir", "ssl-capath", "ssl-crlpath");

    private static final Pattern PATH_NAME = Pattern.compile(".+-(file|dir|path|directory|filename)$");

    /** What the harness did with one option of the config, for the log. */
    record Confined(List<ConfigOption> options, List<String> notes) {
    }

    private final PodDirectory pod;
    private final ServerOptions known;

    PlacementOptions(PodDirectory pod, ServerOptions known) {
        this.pod = pod;
        this.known = known;
    }

    /** The options the pod's server may have, in their order, and one note per option that was changed. */
    Confined confine(List<ConfigOption> options) {
        List<Path> volumes = new ArrayList<>(List.of(Path.of(IMAGE_DATADIR)));
        options.stream().filter(option -> "datadir".equals(name(option)) && option.value() != null
                        && option.value().startsWith("/"))
                .forEach(option -> volumes.add(0, Path.of(option.value()).normalize()));
        List<ConfigOption> kept = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        for (ConfigOption option : options) {
            String name = name(option);
            if ("init-file".equals(name)) {
                throw new LocalBackendException(LocalBackend.initFileRefused("the config of " + pod.root().getFileName()));
            }
            String instead = HARNESS_OWNED.get(name);
            if (instead != null) {
                notes.add("the config sets " + option + "; " + instead);
            } else if (option.value() != null && isPath(name)) {
                String mapped = mapPaths(option, name, volumes);
                if (!mapped.equals(option.value())) {
                    notes.add("the config sets " + option + "; LOCAL " + (isDirectory(name) ? "uses" : "writes") + " "
                            + mapped.replace(pod.root().toString(), "<pod directory>") + " instead");
                }
                kept.add(option.withValue(mapped));
            } else {
                kept.add(option);
            }
        }
        return new Confined(kept, notes);
    }

    /** The option a config line sets, as the server finds it; unknown (plugin) options by their name. */
    private String name(ConfigOption option) {
        Optional<String> canonical = known.canonical(option.name());
        return canonical.orElseGet(() -> ServerOptions.normalize(option.name()).replaceFirst("^loose-", ""));
    }

    private static boolean isPath(String name) {
        return PATHS.contains(name) || PATH_NAME.matcher(name).matches();
    }

    private static boolean isDirectory(String name) {
        return DIRECTORIES.contains(name) || name.endsWith("-dir") || name.endsWith("-directory");
    }

    private String mapPaths(ConfigOption option, String name, List<Path> volumes) {
        // tmpdir takes a list of directories; innodb's data file paths a list of file:size[:autoextend]
        String separator = name.endsWith("tmpdir") ? ":" : name.endsWith("data-file-path") ? ";" : null;
        if (separator == null) {
            return mapPath(option, name, option.value(), volumes);
        }
        return Arrays.stream(option.value().split(Pattern.quote(separator), -1))
                .map(part -> mapPath(option, name, part, volumes)).collect(Collectors.joining(separator));
    }

    private String mapPath(ConfigOption option, String name, String value, List<Path> volumes) {
        String path = value.trim();
        if (!path.startsWith("/")) {
            if (!path.isEmpty() && Path.of(path).normalize().startsWith("..")) {
                throw new LocalBackendException("the config of " + pod.root().getFileName() + " sets " + option
                        + ", which leads out of the server's data directory; the LOCAL backend keeps every pod in its "
                        + "own directory. Fix: give the path without '..', or an absolute path (LOCAL maps it into the "
                        + "pod's directory).");
            }
            return value;
        }
        Path container = Path.of(path).normalize();
        Path mapped = volumes.stream().filter(container::startsWith).findFirst()
                .map(volume -> pod.data().resolve(volume.relativize(container).toString()))
                .orElseGet(() -> pod.rootFs().resolve(Path.of("/").relativize(container).toString()));
        makeDirectory(isDirectory(name) ? mapped : mapped.getParent());
        return mapped.toString();
    }

    private static void makeDirectory(Path directory) {
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new UncheckedIOException("could not create " + directory, e);
        }
    }
}
