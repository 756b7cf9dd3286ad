package dev.mysqlsts.local;

import dev.mysqlsts.backend.PodEndpoint;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The pod's volume and its clone init container: where the data of a start comes from (a snapshot being restored,
 * the template for ordinal 0, a {@link PhysicalClone} of the previous pod, or the template into which a
 * {@link LogicalClone} loads once the server runs), how it came to be, the template copied ahead, what a
 * {@link ClusterSnapshots.Capture} keeps of a cloned start, and, as the next pod's clone source, when this pod
 * serves clones.
 */
final class PodData {

    private static final String KEPT = "data kept from an earlier start";

    private final PodEnvironment env;
    private final String name;
    private final PodDirectory dir;
    private final CompletableFuture<Void> servesClones = new CompletableFuture<>();
    private volatile String origin = KEPT;
    private CompletableFuture<Void> restoring;
    private CompletableFuture<Void> prefetched;
    private ClusterSnapshots.Capture capture;

    PodData(PodEnvironment env, String name, PodDirectory dir) {
        this.env = env;
        this.name = name;
        this.dir = dir;
    }

    /**
     * How one start got its data.
     *
     * @param origin          as the pod's Ready line says it
     * @param restored        from a snapshot being restored
     * @param loadAfterServer a logical clone loads into the server once it runs
     */
    record Start(String origin, boolean restored, boolean loadAfterServer) {
    }

    /**
     * Before the server starts: the snapshot's copy awaited, or an empty volume filled (the template, or a physical
     * clone of {@code previous}, kept for a snapshot when one is recorded); a volume with data keeps it.
     */
    synchronized Start beforeServer(LocalPod previous, PodPhases phases) {
        if (restoring != null) {
            phases.time(PodPhases.COPY, restoring::join);
            restoring = null;
            return new Start("restored from a snapshot of a cloned start: " + origin, true, false);
        }
        if (prefetched == null && dir.hasData()) { // a prefetched template is no data of an earlier start
            return new Start(KEPT, false, false);
        }
        boolean loadAfterServer = false;
        if (previous == null) {
            phases.time(PodPhases.COPY, () -> env.volumes().provision(env.template(), dir.data(), dir.consoleLog()));
            origin = "new data directory";
        } else if (env.physicalClone()) {
            phases.time(PodPhases.CLONE, () -> {
                awaitCloneSource(previous);
                PhysicalClone.run(env.binaries(), previous.serverEndpoint(), dir);
            });
            if (capture != null) {
                phases.time(PodPhases.COPY, () -> capture.keepClone(name, dir));
            }
            origin = "cloned from " + previous.name() + " with mariabackup";
        } else {
            CompletableFuture<Void> copied = prefetched;
            prefetched = null;
            phases.time(PodPhases.COPY, () -> {
                if (copied != null) {
                    copied.join();
                } else {
                    env.volumes().provision(env.template(), dir.data(), dir.consoleLog());
                }
            });
            loadAfterServer = true;
            origin = "cloned from " + previous.name() + " with " + (env.binaries().isMySql() ? "mysqldump" : "mariadb-dump");
        }
        return new Start(origin, false, loadAfterServer);
    }

    /**
     * After the server started on the template: the logical clone of {@code previous} loads into it, or, when the
     * source holds no user databases yet, only its binlog coordinates are taken.
     *
     * @return how this start got its data
     */
    String afterServer(Start start, LocalPod previous, PodEndpoint server, PodPhases phases) {
        if (!start.loadAfterServer()) {
            return start.origin();
        }
        boolean gtid = SidecarStatement.gtidMode(env.spec().changeMasterOptions()).isPresent();
        boolean dumped = phases.measure(PodPhases.CLONE, () -> {
            awaitCloneSource(previous);
            if (LogicalClone.coordinatesOnly(previous.serverEndpoint(), previous.isLeaderRole(), dir, gtid)) {
                return false;
            }
            LogicalClone.run(env.binaries(), previous.serverEndpoint(), previous.isLeaderRole(), server, dir, gtid);
            return true;
        });
        if (dumped) {
            return start.origin();
        }
        origin = "cloned from " + previous.name() + " (no user databases yet: only its binlog coordinates, "
                + "read as " + (env.binaries().isMySql() ? "mysqldump" : "mariadb-dump") + " reads them)";
        synchronized (this) {
            if (capture != null) {
                capture.keepLeanClone(name, dir);
            }
        }
        return origin;
    }

    /**
     * The pod is Ready: ordinal 0 tells the snapshot being recorded where its binary log ends, and the next pod may
     * clone it.
     */
    synchronized void ready(int ordinal, PodEndpoint server) {
        if (capture != null && ordinal == 0) {
            capture.leaderReady(server);
        }
        capture = null;
        servesClones.complete(null);
    }

    /**
     * With {@code podManagementPolicy: Parallel} the pod was created without waiting for the previous one; its clone
     * init container, which streams from the previous pod, fails and is retried until that pod serves, as in
     * Kubernetes.
     */
    private void awaitCloneSource(LocalPod previous) {
        if (!env.spec().parallel()) {
            return;
        }
        try {
            // the source serves backups once its sidecar has set up replication, as the bundled manifests' sidecar does
            previous.data().servesClones.get(env.startupTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new LocalBackendException("pod " + name + ": its clone source " + previous.name() + " failed to start: "
                    + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new LocalBackendException("pod " + name + ": its clone source " + previous.name() + " did not serve "
                    + "within " + env.startupTimeout().toSeconds() + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LocalBackendException("interrupted while " + name + " waited for " + previous.name(), e);
        }
    }

    /** Tells pods waiting to clone this one that its start failed. */
    void failServing(Throwable cause) {
        servesClones.completeExceptionally(cause);
    }

    /**
     * Makes the next start use the data directory a snapshot restore is copying (by {@code copy}) instead of
     * cloning; {@code origin} says how the snapshot's pod got its data.
     */
    synchronized void restoreFrom(CompletableFuture<Void> copy, String origin) {
        this.restoring = copy;
        this.origin = origin;
    }

    /** Makes the first start record its clone (or, for ordinal 0, its binary log) for a snapshot. */
    synchronized void recordFor(ClusterSnapshots.Capture capture) {
        this.capture = capture;
    }

    /**
     * Copies the data directory template into the empty volume in the background, before the pod starts: a logical
     * clone loads into a server started on the template, and the copy depends on no other pod.
     */
    synchronized void prefetchTemplate(Executor executor) {
        if (env.physicalClone() || dir.hasData() || prefetched != null) {
            return;
        }
        prefetched = CompletableFuture.runAsync(() -> {
            try {
                Files.createDirectories(dir.root());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            env.volumes().provision(env.template(), dir.data(), dir.consoleLog());
        }, executor);
    }

    /** How the data came to be ({@code cloned from mysql-0 with mariabackup}...), for snapshots and logs. */
    String origin() {
        return origin;
    }
}
