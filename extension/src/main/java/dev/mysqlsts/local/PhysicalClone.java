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

    static void run(ServerBinaries binaries, PodEndpoint from, PodDirectory to) {
        List<String> backup = List.of(binaries.backup().toString(), "--no-defaults", "--backup",
                "--stream=xbstream", "--slave-info", "--host=" + from.host(), "--port=" + from.port(),
                "--user=" + from.adminUser(), "--password=" + from.adminPassword(), "--target-dir=" + to.root().resolve("backup-tmp"));
        List<String> extract = List.of(binaries.mbstream().toString(), "-x", "-C", to.data().toString());
        to.data().toFile().mkdirs();
        Commands.pipe(backup, extract, to.consoleLog(), TIMEOUT);
        Commands.run(List.of(binaries.backup().toString(), "--no-defaults", "--prepare",
                "--target-dir=" + to.data()), to.consoleLog(), TIMEOUT);
    }
}
