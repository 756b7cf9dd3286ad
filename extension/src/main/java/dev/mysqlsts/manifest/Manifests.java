package dev.mysqlsts.manifest;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** The parsed objects of one manifests location, each remembering the file it came from. */
final class Manifests {

    private final String source;
    private final List<ManifestFile> files;
    private final List<HasMetadata> objects = new ArrayList<>();
    private final Map<HasMetadata, ManifestFile> origin = new IdentityHashMap<>();

    private Manifests(String source, List<ManifestFile> files) {
        this.source = source;
        this.files = List.copyOf(files);
    }

    static Manifests parse(ManifestSources.Resolved resolved) {
        Manifests manifests = new Manifests(resolved.description(), resolved.files());
        for (ManifestFile file : resolved.files()) {
            for (HasMetadata object : ManifestParser.parse(file)) {
                manifests.objects.add(object);
                manifests.origin.put(object, file);
            }
        }
        return manifests;
    }

    /** Where the manifests came from: a directory, a file or a classpath: location. */
    String source() {
        return source;
    }

    List<HasMetadata> objects() {
        return List.copyOf(objects);
    }

    <T extends HasMetadata> List<T> ofType(Class<T> type) {
        return objects.stream().filter(type::isInstance).map(type::cast).toList();
    }

    /** The file of an object, with the line of a field in it when it can be found: {@code a.yaml: line 12}. */
    String where(HasMetadata object, Object... path) {
        ManifestFile file = origin.get(object);
        if (file == null) {
            return source;
        }
        return file.name() + (path.length == 0 ? "" : ManifestParser.at(YamlLines.lineOf(file.text(), object.getKind(),
                name(object), List.of(path))));
    }

    /** For messages: {@code ConfigMap mysql-config, Service mysql (a.yml, b.yml)}; says so when nothing was found. */
    String summary() {
        String read = files.stream().map(ManifestFile::simpleName).collect(Collectors.joining(", "));
        if (objects.isEmpty()) {
            return "no Kubernetes objects in " + read;
        }
        Map<String, List<String>> byKind = new LinkedHashMap<>();
        for (HasMetadata object : objects) {
            byKind.computeIfAbsent(object.getKind(), k -> new ArrayList<>()).add(object.getMetadata() == null
                    ? "?" : String.valueOf(object.getMetadata().getName()));
        }
        return byKind.entrySet().stream()
                .map(e -> e.getKey() + " " + String.join(", ", e.getValue()))
                .collect(Collectors.joining("; ")) + " (read " + read + ")";
    }

    static String name(HasMetadata object) {
        return object.getMetadata() == null ? null : object.getMetadata().getName();
    }
}
