package dev.mysqlsts.k3s;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.ExecWatch;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** {@link ContainerShell} through the API server's exec, the way {@code kubectl exec} works. */
final class ExecContainerShell implements ContainerShell {

    /** A command that runs longer than this is given up (the commands here take milliseconds). */
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final KubernetesClient client;
    private final String namespace;

    ExecContainerShell(KubernetesClient client, String namespace) {
        this.client = client;
        this.namespace = namespace;
    }

    @Override
    public CommandResult run(String pod, String container, List<String> command) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        String what = "`" + String.join(" ", command) + "` in container " + container + " of pod " + pod
                + " (namespace " + namespace + ")";
        try (ExecWatch watch = client.pods().inNamespace(namespace).withName(pod).inContainer(container)
                .writingOutput(out).writingError(err).exec(command.toArray(String[]::new))) {
            Integer exitCode = watch.exitCode().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            return new CommandResult(exitCode == null ? -1 : exitCode, out.toString(StandardCharsets.UTF_8),
                    err.toString(StandardCharsets.UTF_8));
        } catch (KubernetesClientException e) {
            throw new K3sBackendException("K3S: cannot exec " + what + ": " + e.getMessage(), e);
        } catch (ExecutionException e) {
            throw new K3sBackendException("K3S: exec " + what + " failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new K3sBackendException("K3S: exec " + what + " did not end within " + TIMEOUT.toSeconds() + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new K3sBackendException("K3S: interrupted during exec " + what, e);
        }
    }
}
