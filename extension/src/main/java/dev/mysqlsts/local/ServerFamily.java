package dev.mysqlsts.local;

import dev.mysqlsts.replication.Dialect;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What differs between a MariaDB and a MySQL installation where the LOCAL backend runs its servers: how a data
 * directory is initialised, the options the harness writes around the ConfigMap's, the init file that sets the
 * cluster's secrets, and how the client programs connect. Everything MySQL-specific here was checked against MySQL's
 * source (github.com/mysql/mysql-server) or its reference manual; the file is named beside each statement.
 */
enum ServerFamily {

    MARIADB {
        @Override
        List<String> initialise(ServerBinaries binaries, Path datadir) {
            List<String> install = new ArrayList<>(List.of(binaries.installDb().toString(), "--no-defaults",
                    "--basedir=" + binaries.basedir(), "--datadir=" + datadir,
                    "--auth-root-authentication-method=normal", "--skip-test-db"));
            if (ServerProcess.runningAsRoot()) {
                install.add("--user=root");
            }
            return install;
        }

        @Override
        List<String> configHeader(String podName) {
            // MariaDB 11.4 makes a new TLS certificate at every start (5 to 8 s here); clients here use no TLS
            return List.of("log-basename=" + podName, "skip-name-resolve", "skip-ssl");
        }

        @Override
        List<String> placement() {
            return List.of();
        }

        @Override
        String netTimeoutOption(String version) {
            return "slave-net-timeout";
        }

        @Override
        List<String> clientConnection() {
            return List.of("--skip-ssl");
        }

        @Override
        List<String> printDefaultsGroups(String version) {
            // MariaDB's my_print_defaults: --mysqld reads the groups mariadbd reads
            return List.of("--mysqld");
        }

        @Override
        String adminInit(String adminUser, String password, String rootPassword) {
            // one statement per line (the server's init file reader ends a statement at a line ending in ';');
            // every root account, whatever its host (localhost, 127.0.0.1, ::1, the machine's name)
            return "SET sql_log_bin = 0;\n"
                    + "ALTER USER '" + adminUser + "'@'127.0.0.1' IDENTIFIED BY '" + password + "';\n"
                    + "BEGIN NOT ATOMIC FOR r IN (SELECT Host FROM mysql.user WHERE User = 'root') DO "
                    + "EXECUTE IMMEDIATE CONCAT('ALTER USER ''root''@''', REPLACE(r.Host, '''', ''''''), "
                    + "''' IDENTIFIED BY ''" + rootPassword + "'''); END FOR; END;\n";
        }
    },

    MYSQL {
        /**
         * {@code mysqld --initialize-insecure}: the system tables and root@localhost with an empty password (MySQL 8.0
         * reference manual, "Initializing the Data Directory"). The harness's accounts are not made here: in this
         * bootstrap mode an init file may not run account management statements (manual, init_file: "some
         * functionality is unavailable ... statements that relate to account management (such as CREATE USER or
         * GRANT)"), so {@link DataDirTemplate} starts the new directory once with them as its init file.
         */
        @Override
        List<String> initialise(ServerBinaries binaries, Path datadir) {
            List<String> command = new ArrayList<>(List.of(binaries.server().toString(), "--no-defaults",
                    "--initialize-insecure", "--basedir=" + binaries.basedir(), "--datadir=" + datadir,
                    "--secure-file-priv=" + secureFilePriv(datadir.getParent())));
            if (ServerProcess.runningAsRoot()) {
                command.add("--user=root");
            }
            return command;
        }

        /**
         * MySQL has no {@code log-basename} (a MariaDB option): the relay log is named after the pod, as
         * {@code <hostname>-relay-bin} would be in the pod (sql/rpl_rli.cc / sql/mysqld.cc default_relay_log_name
         * from glob_hostname). TLS stays as MySQL has it: {@code --initialize} made the certificates once, in the
         * template, so no start pays for them ({@code auto_generate_certs}, sql/auth/sql_authentication.cc); the
         * harness's clients connect without TLS and fetch the server's RSA key for caching_sha2_password instead.
         */
        @Override
        List<String> configHeader(String podName) {
            return List.of("relay-log=" + podName + "-relay-bin", "skip-name-resolve");
        }

        /**
         * A distribution's mysqld is built with a {@code secure_file_priv} directory of its own (Debian and Ubuntu:
         * /var/lib/mysql-files, owned by the mysql user) and aborts when it cannot use it, even for
         * {@code --verbose --help} (error MY-010095 "Failed to access directory for --secure-file-priv. Please make
         * sure that directory exists and is accessible by MySQL Server", then "Aborting"; sql/mysqld.cc). Each pod gets
         * its own, where the mysql image has it, under the pod's root
         * (a ConfigMap's own secure-file-priv, written after this, wins and is mapped into the pod as any path).
         */
        @Override
        List<String> podDefaults(PodDirectory pod) {
            return List.of("secure-file-priv=" + secureFilePriv(pod.rootFs()));
        }

        /**
         * The X Plugin listens on 33060 by default, every pod on the same port: it is switched off
         * ({@code mysqlx=0} in the option file; MySQL 8.0 and 8.4 reference manuals, "Disabling X Plugin").
         */
        @Override
        List<String> placement() {
            return List.of("mysqlx=0");
        }

        /** {@code replica_net_timeout} from 8.0.26 (sql/sys_vars.cc), {@code slave_net_timeout} before. */
        @Override
        String netTimeoutOption(String version) {
            return Dialect.of(version).netTimeoutVariable().replace('_', '-');
        }

        /**
         * {@code --ssl-mode=DISABLED} (client/include/sslopt-longopts.h; MySQL's clients have no {@code --skip-ssl}
         * before 8.4) and {@code --get-server-public-key} (client/include/caching_sha2_passwordopt-longopts.h): the
         * admin account's password is then sent RSA-encrypted, as caching_sha2_password requires without TLS.
         */
        @Override
        List<String> clientConnection() {
            return List.of("--ssl-mode=DISABLED", "--get-server-public-key");
        }

        /**
         * MySQL's my_print_defaults has no {@code --mysqld} (utilities/my_print_defaults.cc): the groups are named,
         * as mysqld reads them: {@code mysqld}, {@code server}, {@code mysqld-<major.minor>} (sql/mysqld.cc,
         * load_default_groups with MYSQL_BASE_VERSION).
         */
        @Override
        List<String> printDefaultsGroups(String version) {
            List<Integer> numbers = ServerVersions.numbers(version);
            return List.of("mysqld", "server", "mysqld-" + numbers.get(0) + "." + numbers.get(1));
        }

        /**
         * MySQL has no {@code BEGIN NOT ATOMIC} nor {@code EXECUTE IMMEDIATE}: the accounts the template made are
         * altered one by one. A follower starts with {@code super_read_only}, which refuses account statements even
         * to the init file's thread (sql/auth/sql_authorization.cc, check_readonly: a SUPER user passes only while
         * super_read_only is OFF), so the init file turns it off for its own statements and back to what the
         * config said before the server accepts any client (the init file runs before the server listens). An init
         * file may run ALTER USER at a normal start: MySQL's own way to reset root's password (MySQL 8.0 reference
         * manual, "Resetting the Root Password: Unix and Unix-Like Systems").
         */
        @Override
        String adminInit(String adminUser, String password, String rootPassword) {
            return "SET sql_log_bin = 0;\n"
                    + "SET @mysqlsts_super_read_only = @@GLOBAL.super_read_only;\n"
                    + "SET GLOBAL super_read_only = OFF;\n"
                    + "ALTER USER '" + adminUser + "'@'127.0.0.1' IDENTIFIED BY '" + password + "';\n"
                    + "ALTER USER 'root'@'localhost' IDENTIFIED BY '" + rootPassword + "';\n"
                    + "ALTER USER 'root'@'%' IDENTIFIED BY '" + rootPassword + "';\n"
                    + "SET GLOBAL super_read_only = @mysqlsts_super_read_only;\n";
        }
    };

    /** The oldest MySQL the LOCAL backend runs: the first with CHANGE REPLICATION SOURCE TO. */
    static final String MYSQL_MINIMUM = "8.0.23";

    /** The command that makes an initialised data directory in {@code datadir}. */
    abstract List<String> initialise(ServerBinaries binaries, Path datadir);

    /** Options written first in every pod's my.cnf, before the harness's other options and the ConfigMap's. */
    abstract List<String> configHeader(String podName);

    /** Options of the pod written before the ConfigMap's, which can override them. */
    List<String> podDefaults(PodDirectory pod) {
        return List.of();
    }

    /** {@code <root>/var/lib/mysql-files}, made now: where the mysql image keeps secure_file_priv. */
    static Path secureFilePriv(Path root) {
        Path dir = root.resolve("var/lib/mysql-files");
        try {
            java.nio.file.Files.createDirectories(dir);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("could not create " + dir, e);
        }
        return dir;
    }

    /** Options written last, after the ConfigMap's: they keep pods from colliding on this host. */
    abstract List<String> placement();

    /** The option name of the replica's net timeout for this version. */
    abstract String netTimeoutOption(String version);

    /** The options that make a client program (dump, load) connect without TLS. */
    abstract List<String> clientConnection();

    /** my_print_defaults' arguments that select the server's option groups. */
    abstract List<String> printDefaultsGroups(String version);

    /** The init file's text: the admin secret and root's password on every start, never binlogged. */
    abstract String adminInit(String adminUser, String password, String rootPassword);

    /**
     * The accounts of a new MySQL data directory, the init file of its one start after {@code --initialize-insecure}
     * (a normal start, where an init file may manage accounts, as {@link AdminSecret}'s does at every start): the harness's
     * admin account, and {@code root@'%'} with an empty password, as the mysql image's entrypoint makes it with
     * {@code MYSQL_ALLOW_EMPTY_PASSWORD} (root@localhost alone would not match a TCP login from 127.0.0.1 under
     * skip-name-resolve). MariaDB's template makes its accounts over SQL (see {@link DataDirTemplate}).
     */
    static String mysqlAccounts(String adminUser) {
        return "CREATE USER '" + adminUser + "'@'127.0.0.1' IDENTIFIED BY '';\n"
                + "GRANT ALL PRIVILEGES ON *.* TO '" + adminUser + "'@'127.0.0.1' WITH GRANT OPTION;\n"
                + "CREATE USER 'root'@'%' IDENTIFIED BY '';\n"
                + "GRANT ALL PRIVILEGES ON *.* TO 'root'@'%' WITH GRANT OPTION;\n";
    }
}
