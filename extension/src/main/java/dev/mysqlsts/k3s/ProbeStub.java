package dev.mysqlsts.k3s;

import dev.mysqlsts.manifest.ClusterSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the readiness probe fail while mysqld runs on: the probe's binary is moved aside inside the mysql
 * container and a stub that exits 1 takes its place ({@code #!/bin/sh}, {@code exit 1}); restoring moves the
 * original back over the stub. Through exec in the API server, so it works on any cluster.
 *
 * <p>Moving the binary aside alone would not do: an exec probe whose command cannot start is {@code Unknown},
 * not a failure, and the kubelet's probe worker throws an Unknown result away, so Ready would never change
 * (kubernetes {@code pkg/probe/exec/exec.go}, {@code pkg/kubelet/prober/worker.go}; kubernetes issue 106682).
 */
final class ProbeStub {

    private static final Logger LOG = LoggerFactory.getLogger(ProbeStub.class);

    /** Appended to the probe's binary while readiness is broken. */
    static final String BROKEN_SUFFIX = ".mysqlsts-broken";
    /** What stands at the probe's path meanwhile. */
    static final String STUB = "#!/bin/sh\n# mysql-statefulset-junit: faults.breakReadiness\nexit 1\n";
    /** Moves the original aside and writes the stub in one exec, so no probe finds nothing at the path. */
    static final String BREAK_SCRIPT = "cp -p \"$1\" \"$1" + BROKEN_SUFFIX + "\" && printf '%s' \"$2\" > \"$1.tmp\""
            + " && chmod 755 \"$1.tmp\" && mv -f \"$1.tmp\" \"$1\"";

    private static final Set<String> SHELLS = Set.of("sh", "bash", "ash", "dash", "zsh", "ksh");
    private static final Pattern PLAIN_WORD = Pattern.compile("[A-Za-z0-9_./+-]+");

    private final NodeCommands commands;
    private final ContainerTasks tasks;
    private final ContainerShell containers;
    /** Probe binaries replaced by the stub, by ordinal. */
    private final Map<Integer, String> broken = new TreeMap<>();

    ProbeStub(NodeCommands commands, ContainerTasks tasks, ContainerShell containers) {
        this.commands = commands;
        this.tasks = tasks;
        this.containers = containers;
    }

    synchronized void breakReadiness(int ordinal) {
        if (broken.containsKey(ordinal)) {
            return;
        }
        tasks.pod(ordinal);
        ClusterSpec spec = commands.spec();
        String binary = probeBinary(spec);
        String path = binary.startsWith("/") ? binary : resolve(ordinal, binary);
        List<String> stub = List.of("sh", "-c", BREAK_SCRIPT, "sh", path, STUB);
        CommandResult result = inContainer("breakReadiness", ordinal, stub);
        if (!result.succeeded()) {
            throw commands.failure("breakReadiness", ordinal, stub, result);
        }
        broken.put(ordinal, path);
        if (spec.liveness() != null && !spec.liveness().command().isEmpty()
                && binary.equals(probeBinaryOf(spec.liveness().command()))) {
            LOG.warn("K3S {}: breakReadiness {}: the liveness probe runs {} too, so it fails as well and the kubelet"
                    + " will restart the container (which brings the binary back)", commands.clusterName(),
                    spec.podName(ordinal), binary);
        }
    }

    /**
     * Moves the original back over the stub. A container restarted meanwhile (kill, liveness) has its binary
     * back from the image: there is then nothing to restore.
     */
    synchronized void restoreReadiness(int ordinal) {
        String path = broken.remove(ordinal);
        if (path == null) {
            return;
        }
        List<String> back = List.of("mv", "-f", path + BROKEN_SUFFIX, path);
        CommandResult result = inContainer("restoreReadiness", ordinal, back);
        if (!result.succeeded()) {
            if (!NodeCommands.nothingToUndo(result)) {
                throw commands.failure("restoreReadiness", ordinal, back, result);
            }
            LOG.info("K3S {}: restoreReadiness {}: {} is back already (the container was restarted)",
                    commands.clusterName(), commands.spec().podName(ordinal), path);
        }
    }

    synchronized void restoreAll() {
        for (int ordinal : new ArrayList<>(broken.keySet())) {
            commands.attempt("restoreReadiness", ordinal, () -> {
                if (tasks.exists(ordinal)) {
                    restoreReadiness(ordinal);
                }
            });
        }
        broken.clear();
    }

    /** A recreated pod has new containers: nothing of the old one's stub is left. */
    synchronized void forget(int ordinal) {
        broken.remove(ordinal);
    }

    /** Where the container's PATH finds the binary. */
    private String resolve(int ordinal, String binary) {
        List<String> which = List.of("sh", "-c", "command -v " + binary);
        CommandResult result = inContainer("breakReadiness", ordinal, which);
        String path = result.stdout().strip();
        if (!result.succeeded() || !path.startsWith("/")) {
            throw new K3sBackendException("K3S " + commands.clusterName() + ": breakReadiness "
                    + commands.spec().podName(ordinal) + ": the readiness probe's command " + binary + " is not found"
                    + " in container " + tasks.mysqlContainer() + " (`" + String.join(" ", which) + "` answered: "
                    + result.output() + ")");
        }
        return path;
    }

    private CommandResult inContainer(String fault, int ordinal, List<String> command) {
        CommandResult result = containers.run(commands.spec().podName(ordinal), tasks.mysqlContainer(), command);
        LOG.debug("K3S {}: {} {}: exec in container {}: {} -> exit code {}",
                commands.clusterName(), fault, commands.spec().podName(ordinal), tasks.mysqlContainer(),
                String.join(" ", command), result.exitCode());
        return result;
    }

    /**
     * The binary the readiness probe runs: its command's first word, or, for {@code sh -c "mysql ..."}, the
     * script's first word.
     */
    static String probeBinary(ClusterSpec spec) {
        List<String> command = spec.readiness().command();
        if (command.isEmpty()) {
            throw new UnsupportedOperationException("breakReadiness on K3S needs an exec readiness probe; the"
                    + " StatefulSet " + spec.statefulSetName() + " of " + spec.source() + " has none");
        }
        String binary = probeBinaryOf(command);
        if (binary == null || !PLAIN_WORD.matcher(binary).matches() || SHELLS.contains(basename(binary))) {
            throw new UnsupportedOperationException("breakReadiness on K3S puts a failing stub in place of the"
                    + " readiness probe's binary in the container, but cannot tell which binary the probe "
                    + command + " of " + spec.source() + " runs");
        }
        return binary;
    }

    static String probeBinaryOf(List<String> command) {
        String first = command.get(0);
        if (!SHELLS.contains(basename(first)) || command.size() < 2) {
            return first;
        }
        int c = command.indexOf("-c");
        if (c >= 1 && c + 1 < command.size()) {
            List<String> words = Stream.of(command.get(c + 1).strip().split("\\s+"))
                    .filter(w -> !w.isEmpty()).toList();
            int i = 0;
            while (i < words.size() && (words.get(i).equals("exec") || words.get(i).contains("="))) {
                i++;
            }
            return i < words.size() ? words.get(i) : null;
        }
        return command.get(1).startsWith("-") ? null : command.get(1); // sh /probe.sh
    }

    private static String basename(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }
}
