package dev.mysqlsts.local;

import dev.mysqlsts.backend.PodEndpoint;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import dev.mysqlsts.replication.Consistency;
import dev.mysqlsts.replication.Replication;
import dev.mysqlsts.replication.Sql;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The clone without a physical backup tool (on MySQL, the only clone: {@link MySqlDump}): a consistent
 * {@code mariadb-dump} of the previous pod's user
 * databases that carries the leader's binlog coordinates ({@code --master-data} on the leader,
 * {@code --dump-slave} on a follower), loaded into this pod's freshly started server. It writes the
 * coordinates as {@code change_master_to.sql.in}, the file the sidecar completes.
 */
final class LogicalClone {

    static final String CHANGE_MASTER_FILE = "change_master_to.sql.in";
    /** MariaDB's and MySQL's before 8.0.26 {@code MASTER_LOG_FILE}, MySQL's {@code SOURCE_LOG_FILE} from 8.0.26. */
    private static final Pattern COORDINATES =
            Pattern.compile("(?:MASTER|SOURCE)_LOG_FILE='([^']+)',\\s*(?:MASTER|SOURCE)_LOG_POS=(\\d+)");
    private static final Pattern GTID = Pattern.compile("gtid_slave_pos\\s*=\\s*'([^']*)'", Pattern.CASE_INSENSITIVE);
    private static final Duration TIMEOUT = Duration.ofMinutes(10);

    private LogicalClone() {
    }

    /**
     * The lean clone of a source that has no user database yet ({@link CloneCoordinates}).
     *
     * @return false, touching nothing, when the source has user databases: then {@link #run} dumps them
     */
    static boolean coordinatesOnly(PodEndpoint from, boolean fromLeader, PodDirectory dir, boolean withGtid) {
        try (Connection connection = Sql.connect(from.adminJdbcUrl(), Duration.ofSeconds(30))) {
            return CloneCoordinates.write(connection, Replication.dialect(connection), from, fromLeader, dir, withGtid);
        } catch (SQLException e) {
            throw new LocalBackendException("could not read the clone coordinates of " + from.name() + ": "
                    + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("could not clone " + from.name() + " into " + dir.root(), e);
        }
    }

    /**
     * @param withGtid also take the GTID position with the dump ({@code --gtid}), for a sidecar that replicates by GTID
     */
    static void run(ServerBinaries binaries, PodEndpoint from, boolean fromLeader, PodEndpoint to, PodDirectory dir,
                    boolean withGtid) {
        if (binaries.isMySql()) {
            runMySql(binaries, from, fromLeader, to, dir, withGtid);
            return;
        }
        Path dump = dir.root().resolve("clone.sql");
        try (ClientOptionsFile account = ClientOptionsFile.of(from, dir.root())) {
            Commands.run(dumpCommand(binaries, from, fromLeader, withGtid, account), Redirect.PIPE,
                    Redirect.to(dump.toFile()), dir.consoleLog(), TIMEOUT);
        }
        try (ClientOptionsFile account = ClientOptionsFile.of(to, dir.root())) {
            String coordinates = coordinates(dump, from.name(), withGtid);
            Commands.run(List.of(binaries.client().toString(), account.option(), "--host=" + to.host(),
                    "--port=" + to.port(), "--skip-ssl"),
                    Redirect.from(dump.toFile()), Redirect.appendTo(dir.consoleLog().toFile()), dir.consoleLog(), TIMEOUT);
            Files.writeString(dir.data().resolve(CHANGE_MASTER_FILE), coordinates + "\n");
            Files.delete(dump);
        } catch (IOException e) {
            throw new UncheckedIOException("could not clone " + from.name() + " into " + to.name(), e);
        }
    }

    /**
     * MySQL: {@link MySqlDump} of the source's user databases, loaded with super_read_only off for the load; the dump
     * sets the GTIDs it carries itself (GTID_PURGED), so the coordinates file holds only the binlog coordinates.
     */
    private static void runMySql(ServerBinaries binaries, PodEndpoint from, boolean fromLeader, PodEndpoint to,
                                 PodDirectory dir, boolean withGtid) {
        List<String> databases = Sql.rows(from.adminJdbcUrl(), Duration.ofSeconds(30), "SELECT SCHEMA_NAME AS name FROM "
                + "information_schema.SCHEMATA WHERE SCHEMA_NAME NOT IN " + Consistency.SERVER_SCHEMAS + " ORDER BY 1")
                .stream().map(row -> row.get("name")).toList();
        if (databases.isEmpty() && coordinatesOnly(from, fromLeader, dir, withGtid)) {
            return; // the user databases were dropped meanwhile: the coordinates are the whole clone
        }
        Path dump = dir.root().resolve("clone.sql");
        try (ClientOptionsFile account = ClientOptionsFile.of(from, dir.root())) {
            Commands.run(MySqlDump.dumpCommand(binaries, from, fromLeader, withGtid, account.option(), databases),
                    Redirect.PIPE, Redirect.to(dump.toFile()), dir.consoleLog(), TIMEOUT);
        }
        try (ClientOptionsFile account = ClientOptionsFile.of(to, dir.root())) {
            String coordinates = coordinates(dump, from.name(), false);
            if (withGtid && !head(dump).stream().anyMatch(line -> line.contains("GTID_PURGED"))) {
                throw new LocalBackendException("the dump of " + from.name() + " carries no GTID_PURGED; is gtid_mode ON "
                        + "in the ConfigMap's configs (the sidecar's MASTER_AUTO_POSITION=1 needs it)?");
            }
            boolean superReadOnly = "1".equals(Sql.rows(to.adminJdbcUrl(), Duration.ofSeconds(10),
                    MySqlDump.READ_SUPER_READ_ONLY).get(0).get("value"));
            if (superReadOnly) {
                Sql.execute(to.adminJdbcUrl(), Duration.ofSeconds(10), MySqlDump.SUPER_READ_ONLY_OFF);
            }
            try {
                Commands.run(MySqlDump.loadCommand(binaries, to, account.option()), Redirect.from(dump.toFile()),
                        Redirect.appendTo(dir.consoleLog().toFile()), dir.consoleLog(), TIMEOUT);
            } finally {
                if (superReadOnly) {
                    Sql.execute(to.adminJdbcUrl(), Duration.ofSeconds(10), MySqlDump.SUPER_READ_ONLY_ON);
                }
            }
            Files.writeString(dir.data().resolve(CHANGE_MASTER_FILE), coordinates + "\n");
            Files.delete(dump);
        } catch (IOException e) {
            throw new UncheckedIOException("could not clone " + from.name() + " into " + to.name(), e);
        }
    }

    private static List<String> head(Path dump) throws IOException {
        try (var lines = Files.lines(dump, StandardCharsets.ISO_8859_1)) {
            return lines.limit(200).toList();
        }
    }

    /** The dump of {@code from}, its account read from {@code account} (no password on the command line). */
    private static List<String> dumpCommand(ServerBinaries binaries, PodEndpoint from, boolean fromLeader, boolean withGtid,
                                            ClientOptionsFile account) {
        List<String> command = new java.util.ArrayList<>(List.of(binaries.dump().toString(), account.option(),
                "--host=" + from.host(), "--port=" + from.port(), "--skip-ssl", "--all-databases",
                "--ignore-database=mysql", "--single-transaction", "--routines", "--events", "--triggers",
                fromLeader ? "--master-data=2" : "--dump-slave=2"));
        if (withGtid) {
            command.add("--gtid");
        }
        return command;
    }

    static String coordinates(Path dump, String from, boolean withGtid) throws IOException {
        List<String> head;
        try (var lines = Files.lines(dump, StandardCharsets.ISO_8859_1)) {
            head = lines.limit(200).toList();
        }
        String gtid = head.stream().map(GTID::matcher).filter(Matcher::find).findFirst()
                .map(m -> "SET GLOBAL gtid_slave_pos = '" + m.group(1) + "';\n").orElse("");
        if (withGtid && gtid.isEmpty()) {
            throw new LocalBackendException("the dump of " + from + " carries no GTID position (mariadb-dump --gtid)");
        }
        return gtid + head.stream().map(COORDINATES::matcher).filter(Matcher::find).findFirst()
                .map(m -> "CHANGE MASTER TO MASTER_LOG_FILE='" + m.group(1) + "', MASTER_LOG_POS=" + m.group(2))
                .or(() -> withGtid ? java.util.Optional.of("") : java.util.Optional.empty())
                .orElseThrow(() -> new LocalBackendException("the dump of " + from + " carries no binlog "
                        + "coordinates; does the leader's config enable log-bin?"));
    }
}
