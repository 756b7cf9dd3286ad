package dev.mysqlsts.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A schedule ends one client-path fault of a pod and leaves the others, and the pod's own delay, in force. */
class ClientPathsLiftTest {

    @Test
    void liftingOneClientFaultKeepsTheOthers() {
        ClientPaths paths = new ClientPaths();
        paths.podLatency(1, Duration.ofMillis(100));
        paths.latency(1, Duration.ofMillis(20), Duration.ofMillis(5));
        paths.bandwidth(1, 65_536);
        paths.blackhole(1);
        paths.refuse(1);

        paths.lift(1, "blackhole");
        assertEquals(new ClientPaths.Shape(100_000_000, 20_000_000, 5_000_000, 65_536, false, true), paths.of(1));
        paths.lift(1, "bandwidth");
        assertEquals(new ClientPaths.Shape(100_000_000, 20_000_000, 5_000_000, 0, false, true), paths.of(1));
        paths.lift(1, "refuse");
        assertEquals(new ClientPaths.Shape(100_000_000, 20_000_000, 5_000_000, 0, false, false), paths.of(1));
        assertEquals(ClientPaths.Shape.CLEAR, paths.of(0), "another pod is untouched");
        assertThrows(IllegalArgumentException.class, () -> paths.lift(1, "reset"));
    }
}
