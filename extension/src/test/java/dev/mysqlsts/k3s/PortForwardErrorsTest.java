package dev.mysqlsts.k3s;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fabric8.kubernetes.client.PortForward;
import java.io.IOException;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A port-forward's asynchronous errors are read when its relay ends, both sides, for the warning. */
class PortForwardErrorsTest {

    @Test
    void errorsOfBothSidesAreNamed() {
        PortForward failed = forward(true, List.of(new IOException("connection reset")),
                List.of(new IllegalStateException("error forwarding port 3306: pod not running")));
        assertEquals(Optional.of("client side: java.io.IOException: connection reset; API server side: "
                + "java.lang.IllegalStateException: error forwarding port 3306: pod not running"),
                PortForwardConnector.errors(failed));
    }

    @Test
    void aCleanForwardHasNone() {
        assertEquals(Optional.empty(), PortForwardConnector.errors(forward(false, List.of(), List.of())));
        assertEquals(Optional.of("an error without details"),
                PortForwardConnector.errors(forward(true, List.of(), List.of())));
    }

    private static PortForward forward(boolean error, Collection<Throwable> client, Collection<Throwable> server) {
        return new PortForward() {
            @Override
            public boolean isAlive() {
                return false;
            }

            @Override
            public boolean errorOccurred() {
                return error;
            }

            @Override
            public Collection<Throwable> getClientThrowables() {
                return client;
            }

            @Override
            public Collection<Throwable> getServerThrowables() {
                return server;
            }

            @Override
            public void close() {
            }
        };
    }
}
