package dev.mysqlsts.local;

import dev.mysqlsts.backend.PodEndpoint;
import java.time.Duration;
import java.util.List;

/**
 * The clone init container with a physical backup: {@code mariabackup --backup --slave-info} streamed from
 * the previous pod into this pod's empty volume through {@code mbstream}, then prepared. The backup leaves
 * {@code xtrabackup_binlog_info} (from the leader) or {@code xtrabackup_slave_info} (from a follower) for the
 * replication sidecar.
 */
final class PhysicalClone {

    private static final Duration TIMEOUT = Duration.ofMinutes(10);

    private PhysicalClone() {
    }

    /** The backup of {@code from}, its account read from {@code account} (no password on the command line). */
    private static List<String> backupCommand(ServerBinaries binaries, PodEndpoint from, PodDirectory to,
                                              ClientOptionsFile account) {
        return List.of(binaries.backup().toString(), account.option(), "--backup", "--stream=xbstream",
                "--slave-info", "--host=" + from.host(), "--port=" + from.port(),
                "--target-dir=" + to.root().resolve("backup-tmp"));
    }

    static void run(ServerBinaries binaries, PodEndpoint from, PodDirectory to) {
        to.data().toFile().mkdirs();
        try (ClientOptionsFile account = ClientOptionsFile.of(from, to.root())) {
            Commands.pipe(backupCommand(binaries, from, to, account), List.of(binaries.mbstream().toString(), "-x",
                    "-C", to.data().toString()), to.consoleLog(), TIMEOUT);
        }
        Commands.run(List.of(binaries.backup().toString(), "--no-defaults", "--prepare",
                "--target-dir=" + to.data()), to.consoleLog(), TIMEOUT);
    }
}
