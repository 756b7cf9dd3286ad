package dev.mysqlsts.k3s;

import java.util.List;

/**
 * Runs a command inside a container of a pod, as {@code kubectl exec} does (through the API server, so it works
 * on any cluster). Tests record the commands instead, since the mock API server serves no exec.
 */
@FunctionalInterface
interface ContainerShell {

    /**
     * Runs the command without a shell: each element is one argument.
     *
     * @return how it ended; a non-zero exit code is not an exception here
     * @throws K3sBackendException when the command could not be run at all (pod gone, container not running)
     */
    CommandResult run(String pod, String container, List<String> command);
}
