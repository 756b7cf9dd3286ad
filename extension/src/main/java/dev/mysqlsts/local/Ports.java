package dev.mysqlsts.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
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

    /**
     * Whether nobody listens on (or has bound) this loopback port now. Bound with SO_REUSEADDR, as mariadbd binds
     * its port, so that connections of a just-ended server in TIME_WAIT do not count as taken.
     */
    static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
