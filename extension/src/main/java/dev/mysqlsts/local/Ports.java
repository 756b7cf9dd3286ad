package dev.mysqlsts.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Free TCP ports on the loopback address, as the kernel hands them out. */
final class Ports {

    private Ports() {
    }

    /**
     * A port nobody listens on now. Another process may take it before the server binds it; the pod then
     * fails to bind and is started again on a new port.
     */
    static int free() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on the loopback address", e);
        }
    }
}
