package dev.mysqlsts;

/**
 * Where the StatefulSet runs.
 *
 * <pre>{@code @MySqlStatefulSet(backend = Backend.LOCAL)}</pre>
 *
 * The system property {@code mysqlsts.backend} ({@code auto}, {@code local} or {@code k3s}) overrides the
 * annotation, so one suite can be run on either backend.
 */
public enum Backend {
    /** K3S where a Docker engine answers, else LOCAL. */
    AUTO,
    /** MariaDB/MySQL server processes on this host, one per pod ordinal. */
    LOCAL,
    /** The manifests applied to k3s running in a Testcontainers container. */
    K3S
}
