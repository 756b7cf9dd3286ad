package dev.mysqlsts.manifest;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;

/** Parses one YAML file (one or more documents) into Kubernetes objects with fabric8. */
final class ManifestParser {

    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    private ManifestParser() {}

    static List<HasMetadata> parse(ManifestFile file) {
        Object result;
        try {
            result = SERIALIZATION.unmarshal(new ByteArrayInputStream(file.text().getBytes(StandardCharsets.UTF_8)));
        } catch (RuntimeException e) {
            throw describe(file, e);
        }
        List<HasMetadata> objects = new ArrayList<>();
        collect(file, result, objects);
        return objects;
    }

    private static void collect(ManifestFile file, Object parsed, List<HasMetadata> into) {
        if (parsed == null) {
            return;
        }
        if (parsed instanceof KubernetesResourceList<?> list) {
            list.getItems().forEach(item -> collect(file, item, into));
        } else if (parsed instanceof List<?> list) {
            list.forEach(item -> collect(file, item, into));
        } else if (parsed instanceof HasMetadata object) {
            into.add(object);
        } else {
            OptionalInt line = YamlLines.firstDocumentWithoutKind(file.text());
            throw new ManifestException(file.name() + at(line) + ": this YAML document is not a Kubernetes object."
                    + " Every document of a manifest file needs apiVersion, kind and metadata.name"
                    + " (documents are separated by ---).");
        }
    }

    private static ManifestException describe(ManifestFile file, RuntimeException e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof MarkedYamlEngineException yaml) {
                Mark mark = yaml.getProblemMark().or(yaml::getContextMark).orElse(null);
                String where = mark == null ? "" : ": line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1);
                String context = yaml.getContext() == null ? "" : " (" + yaml.getContext().strip() + ")";
                return doesNotParse(file, where, oneLine(yaml.getProblem()) + context, e);
            }
            if (cause instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
                return wrongValue(file, mapping, e);
            }
            if (cause instanceof JsonProcessingException json && json.getLocation() != null
                    && json.getLocation().getLineNr() > 0) {
                JsonLocation location = json.getLocation();
                return doesNotParse(file, ": line " + location.getLineNr() + ", column " + location.getColumnNr(),
                        oneLine(json.getOriginalMessage()), e);
            }
        }
        return new ManifestException(file.name() + ": cannot read the Kubernetes objects: " + oneLine(e.getMessage())
                + ". Check that every document has apiVersion and kind" + kubectlHint(file, "accepts the file") + ".", e);
    }

    private static ManifestException doesNotParse(ManifestFile file, String where, String problem, Throwable e) {
        return new ManifestException(file.name() + where + ": the YAML does not parse: " + problem
                + ". Correct the YAML there (indent with spaces, never tabs)" + kubectlHint(file, "reports the same error")
                + ".", e);
    }

    private static String kubectlHint(ManifestFile file, String what) {
        return file.name().startsWith(ManifestSources.CLASSPATH_PREFIX) ? ""
                : "; `kubectl apply --dry-run=client -f " + file.name() + "` " + what;
    }

    private static ManifestException wrongValue(ManifestFile file, JsonMappingException mapping, Throwable e) {
        List<Object> path = new ArrayList<>();
        StringBuilder dotted = new StringBuilder();
        for (JsonMappingException.Reference reference : mapping.getPath()) {
            if (reference.getFieldName() != null) {
                path.add(reference.getFieldName());
                dotted.append(dotted.length() == 0 ? "" : ".").append(reference.getFieldName());
            } else if (reference.getIndex() >= 0) {
                path.add(reference.getIndex());
                dotted.append('[').append(reference.getIndex()).append(']');
            }
        }
        Object root = mapping.getPath().get(0).getFrom();
        String kind = root == null ? null : (root instanceof Class<?> type ? type : root.getClass()).getSimpleName();
        OptionalInt line = YamlLines.lineOf(file.text(), kind, null, path);
        return new ManifestException(file.name() + at(line) + ": " + dotted + (kind == null ? "" : " of the " + kind)
                + " has a value of the wrong type: " + oneLine(mapping.getOriginalMessage())
                + ". Give it a value of the type the Kubernetes API defines for that field.", e);
    }

    static String at(OptionalInt line) {
        return line.isPresent() ? ": line " + line.getAsInt() : "";
    }

    private static String oneLine(String message) {
        if (message == null) {
            return "";
        }
        return message.strip().replaceAll("\\s*\\R\\s*", " ");
    }
}
