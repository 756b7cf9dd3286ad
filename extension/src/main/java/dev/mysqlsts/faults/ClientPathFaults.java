package dev.mysqlsts.faults;

import dev.mysqlsts.ClientPath;
import java.time.Duration;

/** The {@link ClientPath} of one pod: every call goes to the cluster's {@link FaultsController}. */
final class ClientPathFaults implements ClientPath {

    private final FaultsController controller;
    private final int ordinal;

    ClientPathFaults(FaultsController controller, int ordinal) {
        this.controller = controller;
        this.ordinal = ordinal;
    }

    @Override
    public void latency(Duration delay, Duration jitter) {
        controller.clientLatency(ordinal, delay, jitter);
    }

    @Override
    public void bandwidth(long bytesPerSecond) {
        controller.clientBandwidth(ordinal, bytesPerSecond);
    }

    @Override
    public void blackhole() {
        controller.clientFault(ordinal, "blackhole");
    }

    @Override
    public void reset() {
        controller.clientFault(ordinal, "reset");
    }

    @Override
    public void refuse() {
        controller.clientFault(ordinal, "refuse");
    }

    @Override
    public String toString() {
        return "faults.client(" + ordinal + ")";
    }
}
