package dev.mysqlsts.local;

import dev.mysqlsts.backend.PodEndpoint;
import dev.mysqlsts.manifest.ClusterSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What every pod of one LOCAL cluster shares.
 *
 * @param clusterName    the cluster's name in this JVM, for logs
 * @param spec           the manifests' model
 * @param binaries       the server programs
 * @param template       the pristine data directory that ordinal 0 (and a logical clone) starts from
 * @param clusterDir     the directory that holds one directory per pod
 * @param leaderConfig   the leader's config file, translated for this server
 * @param followerConfig the followers' config file, translated for this server
 * @param init           fills a pod's conf.d: runs the pod template's init container that writes it
 * @param probe          the readiness probe
 * @param physicalClone  clone with mariabackup (else with a logical dump)
 * @param startupTimeout how long a pod may take to become Ready
 * @param threads        the cluster's threads: crash restarts and every other background task
 * @param snapshots      where snapshots of cloned starts are kept, or null when they are off
 * @param volumes        makes the pods' volumes from pristine data directories, with spares made ahead
 * @param stores         what is kept across runs, where failed clusters are kept among them
 * @param secret         the cluster's admin secret and root's password, with the init file that sets them
 */
record PodEnvironment(String clusterName, ClusterSpec spec, ServerBinaries binaries, Path template, Path clusterDir,
                      String leaderConfig, String followerConfig, ConfigInitRunner init, ReadinessProbe probe,
                      boolean physicalClone, Duration startupTimeout, ClusterThreads threads, ClusterSnapshots snapshots,
                      SpareVolumes volumes, Stores stores, AdminSecret secret) {

    /**
     * Server options the harness adds before the ConfigMap's files (which can override them): a follower notices
     * a dead or cut link to its source within 4 s (heartbeats every 2 s) instead of the default hour; InnoDB reads
     * and writes through the page cache and fsyncs ({@value #FLUSH_METHOD}, MySQL 5.7's default on Linux) instead of
     * MariaDB's O_DIRECT, which reads a just-copied data directory only after the kernel has written it out (0.1 to
     * 0.3 s per pod start measured here); a killed server loses nothing more either way.
     */
    static final List<String> HARNESS_OPTIONS = List.of("slave-net-timeout=4", PodEnvironment.FLUSH_METHOD);

    static final String FLUSH_METHOD = "innodb-flush-method=fsync";

    /** The options every server of the cluster starts with: the harness's, then the admin secret's init file. */
    List<String> serverOptions() {
        List<String> options = new ArrayList<>(harnessOptions(binaries));
        options.add(secret.serverOption());
        return options;
    }

    /**
     * {@link #HARNESS_OPTIONS} in the server's own names: MySQL 8.0.26+ calls the net timeout
     * {@code replica_net_timeout} (8.4 keeps {@code slave_net_timeout} only as a deprecated alias).
     */
    static List<String> harnessOptions(ServerBinaries binaries) {
        if (!binaries.isMySql()) {
            return HARNESS_OPTIONS;
        }
        return List.of(binaries.family().netTimeoutOption(binaries.version()) + "=4", FLUSH_METHOD);
    }

    /** How this JVM reaches pod {@code ordinal} on {@code port} of this machine, with the cluster's admin secret. */
    PodEndpoint endpoint(int ordinal, int port) {
        return new PodEndpoint(ordinal, spec.podName(ordinal), "127.0.0.1", port, DataDirTemplate.ADMIN_USER,
                secret.password(), secret.rootPassword());
    }

    /** One line for the log per harness option that the ConfigMap does not override. */
    List<String> harnessOptionNotes() {
        String configs = (leaderConfig + "\n" + followerConfig).toLowerCase().replace('_', '-');
        return configs.contains("innodb-flush-method") ? List.of()
                : List.of(FLUSH_METHOD + " (MySQL 5.7's default; MariaDB's O_DIRECT makes a pod wait for its just-copied "
                        + "files to reach the disk) as the ConfigMap sets no innodb_flush_method");
    }
}
