package dev.mysqlsts.manifest;

import dev.mysqlsts.manifest.ClusterSpec.ProbeSpec;
import io.fabric8.kubernetes.api.model.Probe;
import java.util.List;

/** Reads a container probe, with the Kubernetes defaults for the timings it leaves out. */
final class Probes {

    static final List<String> LIVENESS_COMMAND = List.of("mysqladmin", "ping");

    private Probes() {}

    /** The readiness probe; {@link ProbeSpec#selectOneOverTcp()} when the container has none. */
    static ProbeSpec readiness(Probe probe) {
        return probe == null ? ProbeSpec.selectOneOverTcp() : read(probe, ProbeSpec.selectOneOverTcp().command());
    }

    /** The liveness probe, or null when the container has none. */
    static ProbeSpec liveness(Probe probe) {
        return probe == null ? null : read(probe, LIVENESS_COMMAND);
    }

    /**
     * An exec probe as it is; a tcpSocket, httpGet or grpc probe keeps its timings and checks with
     * {@code commandInstead}, since the backends run probes as commands.
     */
    static ProbeSpec read(Probe probe, List<String> commandInstead) {
        List<String> command = probe.getExec() != null && probe.getExec().getCommand() != null
                && !probe.getExec().getCommand().isEmpty() ? probe.getExec().getCommand() : commandInstead;
        return new ProbeSpec(command,
                orDefault(probe.getInitialDelaySeconds(), 0),
                orDefault(probe.getPeriodSeconds(), 10),
                orDefault(probe.getTimeoutSeconds(), 1),
                orDefault(probe.getFailureThreshold(), 3));
    }

    private static int orDefault(Integer value, int kubernetesDefault) {
        return value == null ? kubernetesDefault : value;
    }
}
