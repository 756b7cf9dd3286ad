package dev.mysqlsts.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * One cluster's password for the harness's internal account ({@value DataDirTemplate#ADMIN_USER}), like a
 * Kubernetes Secret mounted into every pod. Every server of the cluster sets it at each start from an
 * {@code --init-file}, before it serves any connection (the server runs the init file before it accepts clients),
 * with {@code sql_log_bin=0} so that it is never replicated; it works on a read-only follower because the init file
 * runs as a system thread. The readiness probe, clones and replication control log in with it, so a server of
 * another cluster (or of another JVM) that took a pod's port answers them with error 1045 instead of passing.
 * User connections stay {@code root} with an empty password.
 *
 * @param password the secret (hex)
 * @param initFile the SQL file each server of the cluster starts with
 */
record AdminSecret(String password, Path initFile) {

    static final String INIT_FILE = "admin-init.sql";
    private static final SecureRandom RANDOM = new SecureRandom();

    /** The cluster's secret: made on first use (with its init file, readable by this user only), then read back. */
    static synchronized AdminSecret of(Path clusterDir) {
        Path initFile = clusterDir.resolve(INIT_FILE);
        Path secretFile = clusterDir.resolve("admin-secret");
        try {
            if (!Files.exists(secretFile)) {
                byte[] bytes = new byte[16];
                RANDOM.nextBytes(bytes);
                String password = HexFormat.of().formatHex(bytes);
                writePrivate(initFile, "SET sql_log_bin = 0;\n"
                        + "ALTER USER '" + DataDirTemplate.ADMIN_USER + "'@'127.0.0.1' IDENTIFIED BY '" + password + "';\n");
                writePrivate(secretFile, password);
            }
            return new AdminSecret(Files.readString(secretFile, StandardCharsets.US_ASCII).trim(), initFile);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the admin secret of the cluster in " + clusterDir, e);
        }
    }

    /** The server option that applies the secret at start. */
    String serverOption() {
        return "init-file=" + initFile;
    }

    private static void writePrivate(Path file, String text) throws IOException {
        Path staging = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(staging, text, StandardCharsets.US_ASCII);
        Files.move(staging, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    @Override
    public String toString() {
        return "AdminSecret[" + initFile + "]";
    }
}
