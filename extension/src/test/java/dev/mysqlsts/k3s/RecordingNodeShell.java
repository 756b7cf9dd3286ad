package dev.mysqlsts.k3s;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link NodeShell} that runs nothing: it records every command and answers from a table of command
 * prefixes (the longest matching prefix wins), else with exit code 0 and no output.
 */
final class RecordingNodeShell implements NodeShell {

    private final List<List<String>> commands = new ArrayList<>();
    private final Map<String, CommandResult> answers = new LinkedHashMap<>();

    /** Commands whose arguments, joined with spaces, start with {@code prefix} get this answer. */
    RecordingNodeShell answer(String prefix, CommandResult result) {
        answers.put(prefix, result);
        return this;
    }

    @Override
    public synchronized CommandResult run(List<String> command) {
        commands.add(List.copyOf(command));
        String joined = String.join(" ", command);
        return answers.entrySet().stream()
                .filter(e -> joined.startsWith(e.getKey()))
                .max((a, b) -> Integer.compare(a.getKey().length(), b.getKey().length()))
                .map(Map.Entry::getValue)
                .orElse(CommandResult.ok(""));
    }

    /** The commands run so far, each joined with spaces, and forgets them. */
    synchronized List<String> take() {
        List<String> joined = commands.stream().map(c -> String.join(" ", c)).toList();
        commands.clear();
        return joined;
    }
}
