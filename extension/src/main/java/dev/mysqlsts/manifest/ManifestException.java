package dev.mysqlsts.manifest;

import static org.apiguardian.api.API.Status.INTERNAL;

import org.apiguardian.api.API;

/**
 * The manifests cannot be turned into a {@link ClusterSpec}. The message names the file (and the line, for
 * YAML that does not parse or a value of the wrong type) and what to change.
 *
 * <pre>{@code
 * try {
 *     ManifestLoader.load("src/test/k8s", -1);
 * } catch (ManifestException e) {
 *     // "/work/app/src/test/k8s/db.yaml: line 7, column 1: the YAML does not parse: ..."
 * }
 * }</pre>
 */
@API(status = INTERNAL)
public class ManifestException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ManifestException(String message) {
        super(message);
    }

    public ManifestException(String message, Throwable cause) {
        super(message, cause);
    }
}
