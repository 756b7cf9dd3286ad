package dev.mysqlsts.manifest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** Turns the {@code manifests} value of the annotation into the YAML files it names. */
final class ManifestSources {

    static final String CLASSPATH_PREFIX = "classpath:";
    /** Where the pom packages the project's own {@code manifests/*.yaml}. */
    static final String BUNDLED = "dev/mysqlsts/manifests";

    static final String ACCEPTED = "The manifests location accepts \"\" (the manifests bundled with "
            + "mysql-statefulset-junit), a directory or a .yaml/.yml file (relative to the working directory, "
            + "or absolute), or classpath:some/dir or classpath:some/file.yaml.";

    /**
     * The files of one location.
     *
     * @param description the location as resolved (absolute path or classpath: form), for messages
     * @param files       the YAML files, sorted by file name
     */
    record Resolved(String description, List<ManifestFile> files) {}

    private ManifestSources() {}

    static Resolved resolve(String location) {
        if (location == null || location.isBlank()) {
            return ClasspathManifests.read(BUNDLED, location == null ? "" : location, true);
        }
        String trimmed = location.strip();
        if (trimmed.startsWith(CLASSPATH_PREFIX)) {
            String resource = trimmed.substring(CLASSPATH_PREFIX.length()).strip();
            while (resource.startsWith("/")) {
                resource = resource.substring(1);
            }
            while (resource.endsWith("/")) {
                resource = resource.substring(0, resource.length() - 1);
            }
            return ClasspathManifests.read(resource, location, false);
        }
        return fromFileSystem(trimmed);
    }

    private static Resolved fromFileSystem(String location) {
        Path path = Path.of(location).toAbsolutePath().normalize();
        if (Files.isDirectory(path)) {
            return new Resolved(path.toString(), readDirectory(path));
        }
        if (Files.isRegularFile(path)) {
            return new Resolved(path.toString(), List.of(readFile(path)));
        }
        throw new ManifestException("Manifests location '" + location + "' does not exist: tried " + path
                + " (relative paths start at the working directory " + Path.of("").toAbsolutePath() + "). "
                + ACCEPTED);
    }

    private static List<ManifestFile> readDirectory(Path dir) {
        List<Path> all;
        try (Stream<Path> entries = Files.list(dir)) {
            all = entries.filter(Files::isRegularFile)
                    .sorted(Comparator.comparing(p -> p.getFileName().toString()))
                    .toList();
        } catch (IOException e) {
            throw new ManifestException("Cannot list the manifests directory " + dir + ": " + e, e);
        }
        List<Path> yaml = all.stream().filter(p -> ManifestFile.isYamlName(p.getFileName().toString())).toList();
        if (yaml.isEmpty()) {
            throw noYaml(dir.toString(), all.stream().map(p -> p.getFileName().toString()).toList());
        }
        return yaml.stream().map(ManifestSources::readFile).toList();
    }

    static ManifestException noYaml(String dir, List<String> otherFiles) {
        return new ManifestException("The manifests directory " + dir + " has no .yaml or .yml file"
                + (otherFiles.isEmpty() ? " (it is empty)" : " (it has only " + String.join(", ", otherFiles) + ")")
                + ". Put the Kubernetes YAML of the StatefulSet, its Services and its ConfigMap there, "
                + "or point the manifests location at the directory that has them.");
    }

    private static ManifestFile readFile(Path file) {
        try {
            return new ManifestFile(file.toString(), Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException | UncheckedIOException e) {
            throw new ManifestException("Cannot read the manifest file " + file + ": " + e, e);
        }
    }
}
