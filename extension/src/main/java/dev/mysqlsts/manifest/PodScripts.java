package dev.mysqlsts.manifest;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads what the sidecar's script decides that the LOCAL backend must follow, as it emulates the sidecar (the init
 * container that writes the config it runs itself): the options of its {@code CHANGE MASTER TO}
 * ({@code MASTER_USE_GTID=slave_pos}, {@code MASTER_CONNECT_RETRY=10}, {@code MASTER_HEARTBEAT_PERIOD=2},
 * {@code MASTER_DELAY=5}...). Options whose value the script computes
 * ({@code MASTER_LOG_FILE='${BASH_REMATCH[1]}'}) come from the clone and are not listed.
 */
final class PodScripts {

    private static final Pattern CHANGE_MASTER = Pattern.compile("CHANGE\\s+MASTER\\s+TO\\b", Pattern.CASE_INSENSITIVE);
    private static final Pattern OPTION = Pattern.compile(
            "\\b(MASTER_[A-Z_]+|SOURCE_[A-Z_]+)\\s*=\\s*('(?:[^']|'')*'|[^,;\\s\"'()]+)", Pattern.CASE_INSENSITIVE);

    private PodScripts() {
    }

    /**
     * The literal options given to {@code CHANGE MASTER TO} by the sidecar: every {@code MASTER_*=value} of the
     * first container whose script runs {@code CHANGE MASTER TO} or builds {@code change_master_to.sql} (the seed's
     * sidecar appends its options to the clone's statement in a heredoc), in the order written, comments skipped.
     */
    static List<ClusterSpec.ChangeMasterOption> changeMasterOptions(PodSpec pod) {
        for (Container container : containers(pod)) {
            String script = withoutComments(script(container));
            if (!CHANGE_MASTER.matcher(script).find() && !script.contains("change_master_to")) {
                continue;
            }
            List<ClusterSpec.ChangeMasterOption> options = new ArrayList<>();
            Matcher option = OPTION.matcher(script);
            while (option.find()) {
                String name = option.group(1).toUpperCase(Locale.ROOT);
                String value = option.group(2);
                if (!value.contains("$") && options.stream().noneMatch(o -> o.name().equals(name))) {
                    options.add(new ClusterSpec.ChangeMasterOption(name, value));
                }
            }
            return List.copyOf(options);
        }
        return List.of();
    }

    private static String withoutComments(String script) {
        StringBuilder kept = new StringBuilder();
        for (String line : script.split("\n")) {
            if (!line.trim().startsWith("#")) {
                kept.append(line).append('\n');
            }
        }
        return kept.toString();
    }

    private static List<Container> containers(PodSpec pod) {
        List<Container> all = new ArrayList<>();
        if (pod.getInitContainers() != null) {
            all.addAll(pod.getInitContainers());
        }
        if (pod.getContainers() != null) {
            all.addAll(pod.getContainers());
        }
        return all;
    }

    /** A container's command and args, one per line: the script a shell runs. */
    static String script(Container container) {
        List<String> parts = new ArrayList<>();
        if (container.getCommand() != null) {
            parts.addAll(container.getCommand());
        }
        if (container.getArgs() != null) {
            parts.addAll(container.getArgs());
        }
        return String.join("\n", parts);
    }
}
