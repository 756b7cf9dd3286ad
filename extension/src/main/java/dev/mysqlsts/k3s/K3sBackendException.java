package dev.mysqlsts.k3s;

import static org.apiguardian.api.API.Status.INTERNAL;

import org.apiguardian.api.API;

/**
 * The K3S backend could not bring up or reach the StatefulSet; the message names the pod, what failed and,
 * where there is one, the fix.
 */
@API(status = INTERNAL)
public class K3sBackendException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public K3sBackendException(String message) {
        super(message);
    }

    public K3sBackendException(String message, Throwable cause) {
        super(message, cause);
    }
}
