package dev.mysqlsts.k3s;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link ContainerShell} that runs nothing: it records {@code pod/container: command} and answers from a
 * table of command prefixes, else with exit code 0 and no output.
 */
final class RecordingContainerShell implements ContainerShell {

    private final List<String> commands = new ArrayList<>();
    private final Map<String, CommandResult> answers = new LinkedHashMap<>();

    /** Commands (joined with spaces) starting with {@code prefix} get this answer. */
    RecordingContainerShell answer(String prefix, CommandResult result) {
        answers.put(prefix, result);
        return this;
    }

    @Override
    public synchronized CommandResult run(String pod, String container, List<String> command) {
        String joined = String.join(" ", command);
        commands.add(pod + "/" + container + ": " + joined);
        return answers.entrySet().stream()
                .filter(e -> joined.startsWith(e.getKey()))
                .max((a, b) -> Integer.compare(a.getKey().length(), b.getKey().length()))
                .map(Map.Entry::getValue)
                .orElse(CommandResult.ok(""));
    }

    /** The commands run so far, as {@code pod/container: command}, and forgets them. */
    synchronized List<String> take() {
        List<String> taken = List.copyOf(commands);
        commands.clear();
        return taken;
    }
}
