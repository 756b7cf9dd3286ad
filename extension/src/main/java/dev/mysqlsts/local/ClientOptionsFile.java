package dev.mysqlsts.local;

import dev.mysqlsts.backend.PodEndpoint;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The harness's account for a client program (mariabackup, mariadb-dump, mariadb) in an option file only this user
 * can read (mode 0600), so that its password is never on a command line, which every user of the machine sees in
 * {@code ps}. Given to the program as {@link #option()}, its first option: the program then reads this file and no
 * other option file (as {@code --no-defaults} would), its {@code [client]} group being read by each of them.
 * Deleted when closed.
 */
final class ClientOptionsFile implements AutoCloseable {

    private final Path file;

    private ClientOptionsFile(Path file) {
        this.file = file;
    }

    /** Writes the account of {@code endpoint} into a new private file in {@code directory}. */
    static ClientOptionsFile of(PodEndpoint endpoint, Path directory) {
        try {
            Path file = Files.createTempFile(directory, "client-", ".cnf",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, "[client]\n" + new ConfigOption("user", endpoint.adminUser()).line() + "\n"
                    + new ConfigOption("password", endpoint.adminPassword()).line() + "\n");
            return new ClientOptionsFile(file);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the client options for " + endpoint.name() + " in "
                    + directory, e);
        }
    }

    /** The option that must come first on the program's command line. */
    String option() {
        return "--defaults-file=" + file;
    }

    @Override
    public void close() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete " + file, e);
        }
    }
}
