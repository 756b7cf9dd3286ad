package dev.mysqlsts.k3s;

import java.util.List;

/**
 * Runs a command on the Kubernetes node, with the node's tools ({@code ctr}, {@code nsenter},
 * {@code iptables}, {@code tc}) and in the node's namespaces, as root. For k3s in Testcontainers, the node is
 * the k3s container ({@link K3sNode#shell()}); tests record the commands instead.
 */
@FunctionalInterface
interface NodeShell {

    /**
     * Runs the command without a shell: each element is one argument.
     *
     * @return how it ended; a non-zero exit code is not an exception here
     * @throws K3sBackendException when the command could not be run at all
     */
    CommandResult run(List<String> command);

    /**
     * Runs the command and returns its standard output.
     *
     * @throws K3sBackendException when it exits with another code than 0, with its output
     */
    default String exec(String... command) {
        CommandResult result = run(List.of(command));
        if (!result.succeeded()) {
            throw new K3sBackendException("K3S: node command `" + String.join(" ", command) + "` failed (exit code "
                    + result.exitCode() + "): " + result.output());
        }
        return result.stdout();
    }
}
