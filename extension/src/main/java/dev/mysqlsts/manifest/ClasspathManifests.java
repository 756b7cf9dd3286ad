package dev.mysqlsts.manifest;

import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * Reads a classpath resource that is a YAML file or a directory of them, from a directory on disk
 * ({@code target/classes}) or from inside a jar.
 */
final class ClasspathManifests {

    /** The bundled files, for a jar packed without directory entries (which cannot be listed). */
    static final List<String> BUNDLED_FILES =
            List.of("mysql-configmap.yaml", "mysql-services.yaml", "mysql-statefulset.yaml");

    private ClasspathManifests() {}

    static ManifestSources.Resolved read(String resource, String location, boolean bundled) {
        ClassLoader loader = classLoader();
        String description = ManifestSources.CLASSPATH_PREFIX + resource;
        URL url = resource.isEmpty() ? null : loader.getResource(resource);
        if (url == null && bundled) {
            return new ManifestSources.Resolved(description, bundledByName(loader, resource));
        }
        if (url == null) {
            throw new ManifestException("Manifests location '" + location + "' does not exist: tried the classpath "
                    + "resource '" + resource + "', which no class path entry has. " + ManifestSources.ACCEPTED);
        }
        try {
            List<ManifestFile> files = switch (url.getProtocol()) {
                case "file" -> fromDisk(Path.of(url.toURI()), description);
                case "jar" -> fromJar(url, resource, description);
                default -> List.of(readUrl(url, description));
            };
            return new ManifestSources.Resolved(description, files);
        } catch (IOException | URISyntaxException e) {
            throw new ManifestException("Cannot read the manifests at " + description + " (" + url + "): " + e, e);
        }
    }

    private static ClassLoader classLoader() {
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        return context != null ? context : ClasspathManifests.class.getClassLoader();
    }

    private static List<ManifestFile> bundledByName(ClassLoader loader, String dir) {
        List<ManifestFile> files = new ArrayList<>();
        for (String name : BUNDLED_FILES) {
            URL url = loader.getResource(dir + "/" + name);
            if (url != null) {
                try {
                    files.add(readUrl(url, ManifestSources.CLASSPATH_PREFIX + dir + "/" + name));
                } catch (IOException e) {
                    throw new ManifestException("Cannot read the bundled manifest " + url + ": " + e, e);
                }
            }
        }
        if (files.isEmpty()) {
            throw new ManifestException("The bundled manifests are missing: no classpath resource " + dir + "/"
                    + String.join(", " + dir + "/", BUNDLED_FILES) + ". The mysql-statefulset-junit jar on the class"
                    + " path is incomplete; rebuild it, or set the manifests location to your own directory. "
                    + ManifestSources.ACCEPTED);
        }
        return files;
    }

    private static List<ManifestFile> fromDisk(Path path, String description) throws IOException {
        if (!Files.isDirectory(path)) {
            return List.of(new ManifestFile(description, Files.readString(path, StandardCharsets.UTF_8)));
        }
        List<Path> all;
        try (Stream<Path> entries = Files.list(path)) {
            all = entries.filter(Files::isRegularFile)
                    .sorted(Comparator.comparing(p -> p.getFileName().toString()))
                    .toList();
        }
        List<ManifestFile> files = new ArrayList<>();
        for (Path file : all) {
            String name = file.getFileName().toString();
            if (ManifestFile.isYamlName(name)) {
                files.add(new ManifestFile(description + "/" + name, Files.readString(file, StandardCharsets.UTF_8)));
            }
        }
        if (files.isEmpty()) {
            throw ManifestSources.noYaml(description + " (" + path + ")",
                    all.stream().map(p -> p.getFileName().toString()).toList());
        }
        return files;
    }

    private static List<ManifestFile> fromJar(URL url, String resource, String description) throws IOException {
        JarURLConnection connection = (JarURLConnection) url.openConnection();
        connection.setUseCaches(false);
        try (JarFile jar = connection.getJarFile()) {
            JarEntry entry = jar.getJarEntry(resource);
            if (entry != null && !entry.isDirectory()) {
                return List.of(new ManifestFile(description, read(jar, entry)));
            }
            String prefix = resource + "/";
            List<JarEntry> all = jar.stream()
                    .filter(e -> !e.isDirectory() && e.getName().startsWith(prefix)
                            && e.getName().indexOf('/', prefix.length()) < 0)
                    .sorted(Comparator.comparing(JarEntry::getName))
                    .toList();
            List<ManifestFile> files = new ArrayList<>();
            for (JarEntry file : all) {
                if (ManifestFile.isYamlName(file.getName())) {
                    files.add(new ManifestFile(ManifestSources.CLASSPATH_PREFIX + file.getName(), read(jar, file)));
                }
            }
            if (files.isEmpty()) {
                throw ManifestSources.noYaml(description + " (in " + jar.getName() + ")",
                        all.stream().map(e -> e.getName().substring(prefix.length())).toList());
            }
            return files;
        }
    }

    private static String read(JarFile jar, JarEntry entry) throws IOException {
        try (InputStream in = jar.getInputStream(entry)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static ManifestFile readUrl(URL url, String name) throws IOException {
        try (InputStream in = url.openStream()) {
            return new ManifestFile(name, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }
}
