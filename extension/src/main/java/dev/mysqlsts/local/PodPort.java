package dev.mysqlsts.local;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The port of one pod's server: chosen free, and given up for a new one when another process takes it (found
 * before a start, or as a failed bind, or as a server there that refuses the cluster's secret); the log says so.
 */
final class PodPort {

    private static final Logger LOG = LoggerFactory.getLogger(PodPort.class);

    private final String pod;
    private volatile int port = Ports.free();

    PodPort(String pod) {
        this.pod = pod;
    }

    int get() {
        return port;
    }

    /**
     * Chooses the port again, now: it was chosen when the pod was made, which may be a while before its first start
     * (a restore or a prefetch makes pods early), and the harness's proxies bind ports meanwhile.
     */
    void chooseAgain() {
        port = Ports.free();
    }

    /** Before a start: a port another process took is given up. */
    void moveIfTaken() {
        if (!Ports.isFree(port)) {
            int taken = port;
            port = Ports.free();
            LOG.warn("{}: its port {} is taken by another process; the pod moves to port {}", pod, taken, port);
        }
    }

    /** The server could not have the port as it started ({@code why}): the pod moves to a new one. */
    void moveAfterLostBind(String why) {
        int lost = port;
        port = Ports.free();
        LOG.warn("{}: port {} was taken by another process as the server started ({}); the pod moves to port {}",
                pod, lost, why, port);
    }
}
