package dev.mysqlsts.local;

import dev.mysqlsts.backend.PodEndpoint;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The clone without a physical backup tool: a consistent {@code mariadb-dump} of the previous pod's user
 * databases that carries the leader's binlog coordinates ({@code --master-data} on the leader,
 * {@code --dump-slave} on a follower), loaded into this pod's freshly started server. It writes the
 * coordinates as {@code change_master_to.sql.in}, the file the sidecar completes.
 */
final class LogicalClone {

    static final String CHANGE_MASTER_FILE = "change_master_to.sql.in";
    private static final Pattern COORDINATES =
            Pattern.compile("MASTER_LOG_FILE='([^']+)',\\s*MASTER_LOG_POS=(\\d+)");
    private static final Pattern GTID = Pattern.compile("gtid_slave_pos\\s*=\\s*'([^']*)'", Pattern.CASE_INSENSITIVE);
    private static final Duration TIMEOUT = Duration.ofMinutes(10);

    private LogicalClone() {
    }

    /**
     * @param withGtid also take the GTID position with the dump ({@code --gtid}), for a sidecar that replicates by GTID
     */
    static void run(ServerBinaries binaries, PodEndpoint from, boolean fromLeader, PodEndpoint to, PodDirectory dir,
                    boolean withGtid) {
        Path dump = dir.root().resolve("clone.sql");
        List<String> command = new java.util.ArrayList<>(List.of(binaries.dump().toString(), "--no-defaults",
                "--host=" + from.host(), "--port=" + from.port(),
                "--user=" + from.adminUser(), "--all-databases", "--ignore-database=mysql", "--single-transaction",
                "--routines", "--events", "--triggers", fromLeader ? "--master-data=2" : "--dump-slave=2"));
        if (withGtid) {
            command.add("--gtid");
        }
        Commands.run(command, Redirect.PIPE, Redirect.to(dump.toFile()), dir.consoleLog(), TIMEOUT);
        try {
            String coordinates = coordinates(dump, from.name(), withGtid);
            Commands.run(List.of(binaries.client().toString(), "--no-defaults", "--host=" + to.host(),
                    "--port=" + to.port(), "--user=" + to.adminUser()),
                    Redirect.from(dump.toFile()), Redirect.appendTo(dir.consoleLog().toFile()), dir.consoleLog(), TIMEOUT);
            Files.writeString(dir.data().resolve(CHANGE_MASTER_FILE), coordinates + "\n");
            Files.delete(dump);
        } catch (IOException e) {
            throw new UncheckedIOException("could not clone " + from.name() + " into " + to.name(), e);
        }
    }

    private static String coordinates(Path dump, String from, boolean withGtid) throws IOException {
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
