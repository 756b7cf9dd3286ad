package dev.mysqlsts.k3s;

import dev.mysqlsts.manifest.ClusterSpec;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commands on the node for the faults of one cluster: each logged at debug level with the pod it is for, a
 * failure turned into an error naming the fault, the pod, the command and its output.
 */
final class NodeCommands {

    private static final Logger LOG = LoggerFactory.getLogger(NodeCommands.class);
    /** What the tools answer when what is undone is not there any more. */
    private static final List<String> NOTHING_TO_UNDO = List.of(
            "no chain/target/match by that name", // iptables -F of a chain that is gone (new pod)
            "cannot delete qdisc with handle of zero", // tc qdisc del where there is none
            "no such file or directory", // mv of a probe binary already back; tc; nsenter of a gone process
            "not found", // ctr of a container that is gone (the kubelet restarted it)
            "process already finished");

    private final String clusterName;
    private final ClusterSpec spec;
    private final NodeShell node;

    NodeCommands(String clusterName, ClusterSpec spec, NodeShell node) {
        this.clusterName = clusterName;
        this.spec = spec;
        this.node = node;
    }

    String clusterName() {
        return clusterName;
    }

    ClusterSpec spec() {
        return spec;
    }

    /** Whether the harness can run commands on the node (not on an existing cluster reached by its API only). */
    boolean available() {
        return node != null;
    }

    void require(String call) {
        if (node == null) {
            throw new UnsupportedOperationException("faults." + call + " on K3S works from the node"
                    + " (containerd, iptables and tc in the pod's network namespace), and this cluster ("
                    + clusterName + ") is reached only through its API server (an existing cluster). It works on k3s"
                    + " started by the harness (backend K3S without " + K3sSettings.KUBECONFIG + "); deletePod,"
                    + " stopReplication/startReplication, breakReadiness and restoreReadiness work on any cluster."
                    + " A pod failure instead of a container crash: faults.deletePod.");
        }
    }

    CommandResult run(String fault, int ordinal, List<String> command) {
        CommandResult result = node.run(command);
        LOG.debug("K3S {}: {} {}: node$ {} -> exit code {}", clusterName, fault, spec.podName(ordinal),
                String.join(" ", command), result.exitCode());
        return result;
    }

    /** A command for the whole cluster (no one pod). */
    CommandResult run(String what, List<String> command) {
        CommandResult result = node.run(command);
        LOG.debug("K3S {}: {}: node$ {} -> exit code {}", clusterName, what, String.join(" ", command),
                result.exitCode());
        return result;
    }

    /** Runs the command; a non-zero exit code is an error naming the fault and the pod. */
    String ok(String fault, int ordinal, List<String> command) {
        CommandResult result = run(fault, ordinal, command);
        if (!result.succeeded()) {
            throw failure(fault, ordinal, command, result);
        }
        return result.stdout();
    }

    /** Runs a command that undoes something; "nothing to undo" is fine, other failures are logged. */
    void undo(String fault, int ordinal, List<String> command) {
        CommandResult result = run(fault, ordinal, command);
        if (!result.succeeded()) {
            if (nothingToUndo(result)) {
                LOG.debug("K3S {}: {} {}: nothing to undo: {}", clusterName, fault, spec.podName(ordinal),
                        result.output());
            } else {
                LOG.warn("K3S {}: {} {}: `{}` failed (exit code {}): {}", clusterName, fault, spec.podName(ordinal),
                        String.join(" ", command), result.exitCode(), result.output());
            }
        }
    }

    /** Runs {@code undo}; a failure is logged with the pod, and the caller goes on with the rest. */
    void attempt(String what, int ordinal, Runnable undo) {
        try {
            undo.run();
        } catch (RuntimeException e) {
            LOG.warn("K3S {}: could not undo {} on {}: {}", clusterName, what, spec.podName(ordinal), e.getMessage());
        }
    }

    K3sBackendException failure(String fault, int ordinal, List<String> command, CommandResult result) {
        return new K3sBackendException("K3S " + clusterName + ": faults." + fault + "(" + ordinal + ") on pod "
                + spec.podName(ordinal) + ": `" + String.join(" ", command) + "` failed (exit code "
                + result.exitCode() + "): " + result.output());
    }

    static boolean nothingToUndo(CommandResult result) {
        String output = result.output().toLowerCase(Locale.ROOT);
        return NOTHING_TO_UNDO.stream().anyMatch(output::contains);
    }

    /** k3s's {@code ctr} in the namespace of the kubelet's containers. */
    static List<String> ctr(String... args) {
        return Stream.concat(Stream.of("ctr", "-n", "k8s.io"), Stream.of(args)).toList();
    }

    /** The command in the network namespace of the process {@code pid} (with the node's binaries). */
    static List<String> inPod(String pid, String... command) {
        return Stream.concat(Stream.of("nsenter", "-t", pid, "-n"), Stream.of(command)).toList();
    }
}
