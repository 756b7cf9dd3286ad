package dev.mysqlsts.local;

import static org.apiguardian.api.API.Status.INTERNAL;

import org.apiguardian.api.API;

/** Something on this host stopped the LOCAL backend; the message says what and how to fix it. */
@API(status = INTERNAL)
public class LocalBackendException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public LocalBackendException(String message) {
        super(message);
    }

    public LocalBackendException(String message, Throwable cause) {
        super(message, cause);
    }
}
