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
 * Kubernetes Secret mounted into every pod, and root's password. Every server of the cluster sets both at each start
 * from an {@code --init-file}, before it serves any connection (the server runs the init file before it accepts
 * clients), with {@code sql_log_bin=0} so that it is never replicated; it works on a read-only follower because the
 * init file runs as a system thread. The readiness probe, clones and replication control log in with the admin
 * secret, so a server of another cluster (or of another JVM) that took a pod's port answers them with error 1045
 * instead of passing.
 *
 * <p>Root's password is empty unless {@code mysqlsts.rootPassword=random} asks for a random one; the init file sets
 * it on every {@code root} account either way, as a snapshot or spare volume made by an earlier cluster carries that
 * cluster's {@code mysql.*} tables and so maybe another password.
 *
 * @param password     the admin secret (hex)
 * @param rootPassword root's password (hex, or {@code ""})
 * @param initFile     the SQL file each server of the cluster starts with
 */
record AdminSecret(String password, String rootPassword, Path initFile) {

    static final String INIT_FILE = "admin-init.sql";
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Makes the cluster's secrets and the init file that sets them, readable by this user only. */
    static AdminSecret create(Path clusterDir, boolean randomRoot) {
        return create(clusterDir, randomRoot, ServerFamily.MARIADB);
    }

    /** The same, with the init file in the words of the server's {@code family} ({@link ServerFamily#adminInit}). */
    static AdminSecret create(Path clusterDir, boolean randomRoot, ServerFamily family) {
        String password = random();
        String rootPassword = randomRoot ? random() : "";
        Path initFile = clusterDir.resolve(INIT_FILE);
        try {
            writePrivate(initFile, family.adminInit(DataDirTemplate.ADMIN_USER, password, rootPassword));
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the init file of the cluster in " + clusterDir, e);
        }
        return new AdminSecret(password, rootPassword, initFile);
    }

    private static String random() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
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
