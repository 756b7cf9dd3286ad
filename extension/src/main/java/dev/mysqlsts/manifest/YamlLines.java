package dev.mysqlsts.manifest;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * Finds the line (1-based) of a field in YAML text that parses, so that messages about a value can point
 * at it. Best effort: an empty result when the YAML cannot be walked.
 */
final class YamlLines {

    private YamlLines() {}

    /**
     * The line of the value at {@code path} (field names and list indexes) in the first document with this
     * {@code kind} and {@code metadata.name} (either may be null: any); the deepest part of the path that
     * exists when the rest does not.
     */
    static OptionalInt lineOf(String text, String kind, String name, List<?> path) {
        try {
            for (Node document : compose(text)) {
                if (document instanceof MappingNode mapping && (kind == null || kind.equals(scalar(mapping, "kind")))
                        && (name == null || name.equals(metadataName(mapping)))) {
                    return line(walk(mapping, path));
                }
            }
        } catch (RuntimeException e) {
            // the caller's message stays useful without a line
        }
        return OptionalInt.empty();
    }

    /** The first line of the first document that is not a mapping with {@code apiVersion} and {@code kind}. */
    static OptionalInt firstDocumentWithoutKind(String text) {
        try {
            for (Node document : compose(text)) {
                if (!(document instanceof MappingNode mapping)
                        || scalar(mapping, "kind") == null || scalar(mapping, "apiVersion") == null) {
                    return line(document);
                }
            }
        } catch (RuntimeException e) {
            // see lineOf
        }
        return OptionalInt.empty();
    }

    private static Iterable<Node> compose(String text) {
        return new Compose(LoadSettings.builder().build()).composeAllFromString(text);
    }

    private static Node walk(Node node, List<?> path) {
        Node current = node;
        for (Object step : path) {
            Node next = child(current, step);
            if (next == null) {
                return current;
            }
            current = next;
        }
        return current;
    }

    private static Node child(Node node, Object step) {
        if (node instanceof MappingNode mapping && step instanceof String field) {
            for (NodeTuple tuple : mapping.getValue()) {
                if (tuple.getKeyNode() instanceof ScalarNode key && key.getValue().equals(field)) {
                    return tuple.getValueNode();
                }
            }
        }
        if (node instanceof SequenceNode sequence && step instanceof Integer index
                && index >= 0 && index < sequence.getValue().size()) {
            return sequence.getValue().get(index);
        }
        return null;
    }

    private static String metadataName(MappingNode mapping) {
        return child(mapping, "metadata") instanceof MappingNode metadata ? scalar(metadata, "name") : null;
    }

    private static String scalar(MappingNode mapping, String field) {
        return child(mapping, field) instanceof ScalarNode value ? value.getValue() : null;
    }

    private static OptionalInt line(Node node) {
        Optional<Mark> mark = node.getStartMark();
        return mark.isPresent() ? OptionalInt.of(mark.get().getLine() + 1) : OptionalInt.empty();
    }
}
