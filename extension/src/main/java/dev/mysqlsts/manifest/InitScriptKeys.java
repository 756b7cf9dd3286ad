package dev.mysqlsts.manifest;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads which ConfigMap file the init script copies for ordinal 0 and which for the others, from the shape
 * {@code if [[ $ordinal -eq 0 ]]; then cp /mnt/config-map/X /mnt/conf.d/; else cp /mnt/config-map/Y ...; fi}.
 * The mount path and the variable's name may be anything.
 */
final class InitScriptKeys {

    /**
     * @param leader    the file name copied for ordinal 0
     * @param follower  the file name copied otherwise
     * @param container the container whose script says so
     */
    record Found(String leader, String follower, String container) {}

    private static final Pattern ORDINAL_ZERO_BRANCHES = Pattern.compile(
            "\\bif\\s+\\[\\[?\\s*\"?\\$\\{?\\w+}?\"?\\s+(?:-eq|==?)\\s+\"?0\"?\\s*]]?\\s*;?\\s*then\\b(.*?)\\belse\\b(.*?)\\bfi\\b",
            Pattern.DOTALL);
    private static final Pattern COPY = Pattern.compile("\\bcp\\s+(?:-\\S+\\s+)*[\"']?([^\\s\"';]+)");

    private InitScriptKeys() {}

    static Optional<Found> find(PodSpec pod) {
        List<Container> candidates = new ArrayList<>();
        if (pod.getInitContainers() != null) {
            candidates.addAll(pod.getInitContainers());
        }
        if (pod.getContainers() != null) {
            candidates.addAll(pod.getContainers());
        }
        for (Container container : candidates) {
            Optional<Found> found = fromScript(PodScripts.script(container), container.getName());
            if (found.isPresent()) {
                return found;
            }
        }
        return Optional.empty();
    }

    static Optional<Found> fromScript(String script, String container) {
        Matcher branches = ORDINAL_ZERO_BRANCHES.matcher(script);
        while (branches.find()) {
            String leader = copiedFile(branches.group(1));
            String follower = copiedFile(branches.group(2));
            if (leader != null && follower != null) {
                return Optional.of(new Found(leader, follower, container));
            }
        }
        return Optional.empty();
    }

    private static String copiedFile(String branch) {
        Matcher copy = COPY.matcher(branch);
        while (copy.find()) {
            String source = copy.group(1);
            String file = source.substring(source.lastIndexOf('/') + 1);
            if (!file.isEmpty() && !file.contains("$") && !file.contains("*")) {
                return file;
            }
        }
        return null;
    }
}
