package dev.mysqlsts.local;

import dev.mysqlsts.backend.ClientPaths;
import dev.mysqlsts.backend.DiskFault;
import dev.mysqlsts.backend.FaultInjector;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;

/**
 * Faults on the LOCAL backend: signals to the server processes, cuts, delays, loss, jitter and bandwidth limits on
 * the {@link PodNetwork}, client-path faults on its {@link ClientPaths}, a switch in the readiness probe, the clock
 * and disk faults through the libraries preloaded into the servers ({@link ServerPreload}, {@link ClockControl},
 * {@link DiskFaults}), the power cut through the journals of the power-cut layer ({@link PowerCutJournals}).
 */
final class LocalFaults implements FaultInjector {

    private final LocalStatefulSet cluster;
    private final PodNetwork network;
    private final DiskFaults disks = new DiskFaults();

    LocalFaults(LocalStatefulSet cluster, PodNetwork network) {
        this.cluster = cluster;
        this.network = network;
    }

    @Override
    public void kill(int ordinal) {
        cluster.pod(ordinal).signal("KILL");
    }

    @Override
    public void deletePod(int ordinal) {
        cluster.recreate(ordinal);
    }

    @Override
    public void pause(int ordinal) {
        cluster.pod(ordinal).signal("STOP");
    }

    @Override
    public void resume(int ordinal) {
        cluster.pod(ordinal).signal("CONT");
    }

    @Override
    public void cut(Set<Integer> side, Set<Integer> otherSide) {
        network.cut(side, otherSide);
    }

    @Override
    public void cutOneWay(int from, int to) {
        network.cutOneWay(from, to);
    }

    @Override
    public void latency(int ordinal, Duration delay) {
        network.latency(ordinal, delay);
    }

    @Override
    public void loss(int ordinal, double probability) {
        network.loss(ordinal, probability);
    }

    @Override
    public void jitter(int ordinal, Duration delay, Duration jitter) {
        network.jitter(ordinal, delay, jitter);
    }

    @Override
    public void bandwidth(int ordinal, long bytesPerSecond) {
        network.bandwidth(ordinal, bytesPerSecond);
    }

    @Override
    public void breakReadiness(int ordinal, boolean broken) {
        cluster.pod(ordinal).breakReadiness(broken);
    }

    @Override
    public ClientPaths clientPaths() {
        return network.clientPaths();
    }

    @Override
    public void clockSkew(int ordinal, Duration offset) {
        ClockControl.skew(cluster.pod(ordinal), ServerPreload.fromSystem(), offset);
    }

    @Override
    public CompletionStage<Void> diskFault(int ordinal, DiskFault fault) {
        return disks.enable(cluster.pod(ordinal), ServerPreload.fromSystem(), fault);
    }

    @Override
    public void restoreDisk(int ordinal) {
        disks.disable(cluster.pod(ordinal));
    }

    /**
     * Every running server is marked as cut, then all are SIGKILLed; each pod's next start takes back what its
     * server had not fsynced ({@link PowerCutJournals}). Refused before anything is killed when a server runs without
     * the power-cut layer.
     */
    @Override
    public void powerCut() {
        ServerPreload preload = ServerPreload.fromSystem();
        PowerCutLayer layer = preload.powerCutLayer();
        if (!preload.power() || !layer.available()) {
            throw new UnsupportedOperationException("faults.powerCut(): LOCAL takes back unsynced writes with its "
                    + "power-cut layer preloaded into the servers, and " + (layer.available()
                    ? "-D" + ServerPreload.PROPERTY + "=" + preload.chosen() + " does not preload it; remove that property"
                    : layer.missing()) + ", then start the cluster again");
        }
        Map<LocalPod, Long> running = new LinkedHashMap<>();
        for (int ordinal = 0; ordinal < cluster.replicas(); ordinal++) {
            LocalPod pod = cluster.pod(ordinal);
            long pid = pod.pid();
            if (ServerPreload.notRunning("faults.powerCut()", pod, pid).isEmpty()) {
                if (!ServerPreload.loaded(pid, layer.library())) {
                    throw new UnsupportedOperationException("faults.powerCut(): the server of " + pod.name() + " (pid "
                            + pid + ") runs without the power-cut layer (started before it was built?); start the "
                            + "cluster again");
                }
                running.put(pod, pid);
            }
        }
        running.forEach((pod, pid) -> PowerCutJournals.cut(pod.directory(), pid));
        running.keySet().forEach(pod -> pod.signal("KILL"));
    }

    /** Every pod's clock back to the host's (waiting until the servers see it when one was skewed), every failure point off. */
    @Override
    public void restoreHost() {
        boolean skewed = false;
        for (int ordinal = 0; ordinal < cluster.replicas(); ordinal++) {
            LocalPod pod = cluster.pod(ordinal);
            skewed |= ClockControl.reset(pod);
            disks.disable(pod);
        }
        if (skewed) {
            try {
                Thread.sleep(ClockControl.SEEN_WITHIN.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void restoreAll() {
        network.restoreAll();
        for (int ordinal = 0; ordinal < cluster.replicas(); ordinal++) {
            LocalPod pod = cluster.pod(ordinal);
            pod.signal("CONT");
            pod.breakReadiness(false);
        }
    }
}
