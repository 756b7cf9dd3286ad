package dev.mysqlsts.local;

import dev.mysqlsts.backend.PodEndpoint;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * The pod's sidecar container: at the end of a start it runs the {@link ReplicationSidecar}'s step, which sets up
 * replication from the source. The pod is Ready when its mysql container's probe passes; the sidecar container has no
 * readiness probe, so in Kubernetes the next pod may start while this one's sidecar still works. A restored pod's
 * successor clones nothing from it, so its sidecar runs beside the next start ({@link #await} waits for it).
 */
final class PodSidecar {

    private final PodEnvironment env;
    private final String name;
    private final PodDirectory dir;
    private volatile CompletableFuture<Optional<String>> running;

    PodSidecar(PodEnvironment env, String name, PodDirectory dir) {
        this.env = env;
        this.name = name;
        this.dir = dir;
    }

    /**
     * Sets up replication from {@code source} on the pod's server (its own port, asked when the step runs): before it returns, or, when
     * {@code beside}, in the background.
     *
     * @return what the pod's Ready line says of it: empty, or for example {@code , replicating from mysql-0 at ...}
     */
    String start(PodEndpoint source, Supplier<PodEndpoint> server, boolean beside, PodPhases phases) {
        if (source == null) {
            return "";
        }
        if (beside) {
            running = CompletableFuture.supplyAsync(() -> phases.measure(PodPhases.SIDECAR, () -> step(source, server)),
                    env.threads());
            return ", its sidecar starts replication from " + source.name() + " meanwhile";
        }
        Optional<String> from = phases.measure(PodPhases.SIDECAR, () -> step(source, server));
        return from.map(coordinates -> ", replicating from " + source.name() + " at " + coordinates).orElse("");
    }

    private Optional<String> step(PodEndpoint source, Supplier<PodEndpoint> server) {
        return ReplicationSidecar.run(name, dir.data(), server.get().adminJdbcUrl(), source, env.spec().changeMasterOptions());
    }

    /**
     * Waits for a sidecar that runs beside the next start to have started replication.
     *
     * @return where replication started, empty when there was nothing to do
     */
    Optional<String> await(Duration timeout) {
        CompletableFuture<Optional<String>> current = running;
        if (current == null) {
            return Optional.empty();
        }
        try {
            return current.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new LocalBackendException("pod " + name + ": its replication sidecar failed: " + e.getCause().getMessage(),
                    e.getCause());
        } catch (TimeoutException e) {
            throw new LocalBackendException("pod " + name + ": its replication sidecar did not finish within "
                    + timeout.toSeconds() + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LocalBackendException("interrupted while waiting for the sidecar of " + name, e);
        }
    }
}
