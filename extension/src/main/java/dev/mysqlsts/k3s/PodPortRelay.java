package dev.mysqlsts.k3s;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.ByteChannel;

/**
 * Joins a client's TCP connection to a port of a pod, looked up by name at this moment (K3S: the bytes, not a JDBC
 * connection: the cluster package's PodConnector opens those).
 */
@FunctionalInterface
interface PodPortRelay {

    /**
     * Starts relaying bytes both ways between {@code client} and the pod's port; returns at once. The relay
     * closes {@code client} when the pod's side ends.
     *
     * @return closes the relay and the client connection
     */
    Closeable connect(String podName, int port, ByteChannel client) throws IOException;
}
