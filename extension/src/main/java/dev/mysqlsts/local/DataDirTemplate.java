package dev.mysqlsts.local;

import dev.mysqlsts.replication.Sql;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A pristine initialised data directory per server version, made once (install script, then the accounts
 * below) and kept in the cache; every new pod volume is a copy of it, which takes milliseconds where the
 * install script takes about a second.
 *
 * <p>Accounts: {@code root} with an empty password, as the manifests' {@code MYSQL_ALLOW_EMPTY_PASSWORD}
 * gives, but without MariaDB's READ_ONLY ADMIN privilege, so that root cannot write on a read-only follower
 * (what MySQL's super-read-only does); and {@value #ADMIN_USER}, which the harness uses for clones and
 * replication control.
 */
final class DataDirTemplate {

    static final String ADMIN_USER = "mysqlsts_admin";
    /** The store's name in the cache directory (see {@link Stores}). */
    static final String DIRECTORY = "templates";
    /** Bump when what a template holds changes, so caches made by older versions are not used. */
    private static final String FORMAT = "f2";
    private static final Logger LOG = LoggerFactory.getLogger(DataDirTemplate.class);

    private DataDirTemplate() {
    }

    /** The template's data directory for these binaries, made now if the cache has none. */
    static synchronized Path ensure(ServerBinaries binaries, Path cacheDir) {
        String key = binaries.version() + "-" + Integer.toHexString(binaries.server().toString().hashCode()) + "-" + FORMAT;
        Path target = cacheDir.resolve(DIRECTORY).resolve(key);
        if (Files.isDirectory(target.resolve("mysql"))) {
            return target;
        }
        long started = System.nanoTime();
        Path staging = null;
        try {
            PrivateDirectory.ensure(target.getParent());
            staging = Files.createTempDirectory(target.getParent(), key + ".creating-");
            PodDirectory scratch = new PodDirectory(staging);
            try {
                initialise(binaries, scratch);
            } catch (RuntimeException | IOException e) {
                Path failed = staging;
                staging = null;
                throw new LocalBackendException("could not create the data directory template for " + binaries
                        + "; its files are kept in " + failed + ". Console output:\n"
                        + Commands.tail(scratch.consoleLog(), 15) + "error log:\n" + Commands.tail(scratch.errorLog(), 15), e);
            }
            // a sparse copy: the redo log and tablespaces are mostly zeros, so every pod's copy of it reads a few MiB
            Path sparse = staging.resolve("sparse");
            Directories.copyTree(scratch.data(), sparse, scratch.consoleLog());
            try {
                Files.move(sparse, target, StandardCopyOption.ATOMIC_MOVE);
                LOG.info("created the data directory template for {} in {} ms: {}", binaries,
                        (System.nanoTime() - started) / 1_000_000, target);
            } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException e) {
                LOG.debug("another process created {} first", target);
            } catch (IOException e) {
                if (!Files.isDirectory(target.resolve("mysql"))) {
                    throw e;
                }
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("could not create the data directory template in " + target.getParent(), e);
        } finally {
            if (staging != null) {
                Directories.deleteRecursively(staging);
            }
        }
    }

    private static void initialise(ServerBinaries binaries, PodDirectory scratch) throws IOException {
        if (binaries.isMySql()) {
            initialiseMySql(binaries, scratch);
            return;
        }
        Commands.run(ServerFamily.MARIADB.initialise(binaries, scratch.data()), scratch.consoleLog(),
                Duration.ofMinutes(3));

        int port = Ports.free();
        ServerConfig.write(scratch, binaries, "template", port, List.of("skip-log-bin"));
        ServerProcess server = ServerProcess.start(binaries, scratch, "template-" + ProcessHandle.current().pid(), List.of());
        try {
            String url = "jdbc:mysql://127.0.0.1:" + port + "/?user=root&password=&useSSL=false&allowPublicKeyRetrieval=true";
            Awaitility.await("the template server on port " + port)
                    .atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(ReadinessProbe.STARTUP_POLL_MS))
                    .failFast("the template server exited", () -> !server.isAlive())
                    .ignoreExceptions()
                    .until(() -> !Sql.rows(url, Duration.ofSeconds(2), "SELECT 1").isEmpty());
            List<String> statements = new ArrayList<>(List.of(
                    "CREATE USER '" + ADMIN_USER + "'@'127.0.0.1' IDENTIFIED BY ''",
                    "GRANT ALL PRIVILEGES ON *.* TO '" + ADMIN_USER + "'@'127.0.0.1' WITH GRANT OPTION"));
            for (Map<String, String> root : Sql.rows(url, Duration.ofSeconds(10),
                    "SELECT Host FROM mysql.user WHERE User = 'root' AND Host IN ('localhost', '127.0.0.1', '::1', '%')")) {
                statements.add("REVOKE READ_ONLY ADMIN ON *.* FROM 'root'@'" + root.get("Host") + "'");
            }
            Sql.execute(url, Duration.ofSeconds(30), statements.toArray(String[]::new));
        } finally {
            server.stop(Duration.ofSeconds(60));
        }
    }

    /**
     * MySQL: {@code mysqld --initialize-insecure}, then one start with the accounts as its init file (run as the
     * server's own bootstrap thread before it listens, so no account is needed to make them; checked with the admin
     * account it made), then a graceful stop. The data directory's {@code auto.cnf} is removed afterwards: it holds
     * the server_uuid that mysqld generates when the file is missing (sql/mysqld.cc, init_server_auto_options), and a
     * replica refuses a source with its own UUID, so every pod's copy of the template must make its own.
     */
    private static void initialiseMySql(ServerBinaries binaries, PodDirectory scratch) throws IOException {
        Commands.run(ServerFamily.MYSQL.initialise(binaries, scratch.data()), scratch.consoleLog(), Duration.ofMinutes(3));
        Path accounts = scratch.root().resolve("accounts.sql");
        Files.writeString(accounts, ServerFamily.mysqlAccounts(ADMIN_USER));
        int port = Ports.free();
        ServerConfig.write(scratch, binaries, "template", port, List.of("skip-log-bin", "init-file=" + accounts));
        ServerProcess server = ServerProcess.start(binaries, scratch, "template-" + ProcessHandle.current().pid(), List.of());
        try {
            String url = "jdbc:mysql://127.0.0.1:" + port + "/?user=" + ADMIN_USER
                    + "&password=&useSSL=false&allowPublicKeyRetrieval=true";
            Awaitility.await("the template server on port " + port)
                    .atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(ReadinessProbe.STARTUP_POLL_MS))
                    .failFast("the template server exited", () -> !server.isAlive())
                    .ignoreExceptions()
                    .until(() -> !Sql.rows(url, Duration.ofSeconds(2), "SELECT 1").isEmpty());
        } finally {
            server.stop(Duration.ofSeconds(60));
        }
        Files.deleteIfExists(scratch.data().resolve("auto.cnf"));
    }
}
