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
 *
 * <p>Not how a pod gets its config: LOCAL runs the init container itself ({@code local.ConfigInitRunner}), so a pod's
 * server-id and role file are whatever the script writes, in whatever form. What this reading still serves is what no
 * run of the script says, which of the ConfigMap's files is the leader's ({@link ConfigKeys}): LOCAL's promotion model
 * (a promoted pod gets the leader's file in place of its ordinal's), the conf.d written when the pod template has no
 * such init container, the reproduction bundle's server configs, and K3S's refusal of {@code promote}, which names
 * them. A script it cannot read falls back to the well-known pairs, then to the properties its error names.
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
