package dev.mysqlsts.local;

import static org.apiguardian.api.API.Status.INTERNAL;

import dev.mysqlsts.backend.RunningStatefulSet;
import dev.mysqlsts.backend.Settings;
import dev.mysqlsts.backend.StatefulSetBackend;
import dev.mysqlsts.manifest.ClusterSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.apiguardian.api.API;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The LOCAL backend: each pod a MariaDB (or MySQL 8.0/8.4, see {@link ServerFamily}) server process on this host.
 * Properties:
 * <ul>
 *   <li>{@value ServerBinariesLocator#PROPERTY}: the server (see {@link ServerBinariesLocator});</li>
 *   <li>{@value #CLONE}: {@code auto} (mariabackup where it exists, else a logical dump), {@code physical}
 *       or {@code logical};</li>
 *   <li>{@value #STARTUP_TIMEOUT}: how long one pod may take to become Ready (default 60 s).</li>
 * </ul>
 * Each cluster gets its own secret for the harness's internal account ({@link AdminSecret}), so its probes, proxies,
 * clones and replication control never pass on another cluster's server, in this JVM or another.
 */
@API(status = INTERNAL)
public final class LocalBackend implements StatefulSetBackend {

    static final String CLONE = "mysqlsts.clone";
    static final String STARTUP_TIMEOUT = "mysqlsts.startupTimeout";
    private static final Logger LOG = LoggerFactory.getLogger(LocalBackend.class);
    private static final AtomicInteger CLUSTERS = new AtomicInteger();
    private static final Pattern INIT_FILE = Pattern.compile("(?im)^\\s*(loose[-_])?init[-_]file\\s*(=|$)");

    @Override
    public RunningStatefulSet start(ClusterSpec spec, Settings settings) {
        Stores stores = Stores.of(settings);
        ServerBinaries binaries = new ServerBinariesLocator(settings).locate();
        String clusterName = spec.statefulSetName() + "#" + CLUSTERS.incrementAndGet();
        ConfigTranslator translator = new ConfigTranslator(
                ServerOptions.of(binaries, ProcessReaper.get().runDirectory()), binaries.toString());
        ConfigTranslator.Translation leader = translator.translate(spec.leaderConfig());
        ConfigTranslator.Translation follower = translator.translate(spec.followerConfig());
        refuseInitFile(spec.leaderConfig().key(), leader.text());
        refuseInitFile(spec.followerConfig().key(), follower.text());
        leader.notes().forEach(note -> LOG.info("cluster {}: {}", clusterName, note));
        follower.notes().forEach(note -> LOG.info("cluster {}: {}", clusterName, note));
        boolean physicalClone = physicalClone(settings, binaries);
        Duration startupTimeout = settings.duration(STARTUP_TIMEOUT, Duration.ofSeconds(60));
        boolean randomRoot = settings.randomRootPassword();
        Path template = DataDirTemplate.ensure(binaries, stores.cacheDir());

        Path clusterDir = createClusterDirectory(spec);
        ConfigInitRunner init;
        AdminSecret secret;
        try {
            secret = AdminSecret.create(clusterDir, randomRoot, binaries.family());
            init = ConfigInitRunner.of(spec, clusterDir, translator, leader.text(), follower.text(), startupTimeout,
                    settings.get(Bubblewrap.PROPERTY));
        } catch (RuntimeException e) {
            Directories.deleteRecursively(clusterDir);
            throw e;
        }
        LOG.info("cluster {}: {}", clusterName, init.describe());
        ClusterThreads threads = new ClusterThreads(clusterName);
        PodEnvironment env = new PodEnvironment(clusterName, spec, binaries, template, clusterDir,
                leader.text(), follower.text(), init, new ReadinessProbe(spec.readiness()), physicalClone,
                startupTimeout, threads, snapshots(settings, stores, binaries, clusterName), stores.spareVolumes(),
                stores, secret);
        if (randomRoot) {
            LOG.info("cluster {}: root has a random password ({}=random), in every URL and connection the harness "
                    + "hands out", clusterName, Settings.ROOT_PASSWORD);
        }
        LocalStatefulSet cluster = new LocalStatefulSet(env);
        try {
            cluster.startAll();
            return cluster;
        } catch (RuntimeException e) {
            cluster.close(true);
            throw e;
        }
    }

    /**
     * The harness sets its admin secret with the server's one {@code init-file} ({@link AdminSecret}); a ConfigMap
     * that sets its own would replace it, and no pod would pass its probe.
     */
    private static void refuseInitFile(String key, String config) {
        if (INIT_FILE.matcher(config).find()) {
            throw new LocalBackendException(initFileRefused("the ConfigMap's " + key));
        }
    }

    /** Why a config that sets init-file is refused, and the fix. */
    static String initFileRefused(String config) {
        return config + " sets init-file, which the LOCAL backend needs for the harness's own account (its "
                + "per-cluster password is set by an init file at every server start). Remove init-file from it and "
                + "run that SQL from the test instead, or use @MySqlStatefulSet(backend = Backend.K3S).";
    }

    private static Path createClusterDirectory(ClusterSpec spec) {
        try {
            return Files.createTempDirectory(ProcessReaper.get().runDirectory(), spec.statefulSetName() + "-");
        } catch (IOException e) {
            throw new UncheckedIOException("could not create a cluster directory", e);
        }
    }

    /**
     * Snapshots of cloned starts, except on MySQL: a kept follower clone carries the GTIDs and binary log of a leader
     * whose data directory had another server_uuid (each pod's copy of the template makes its own), so it would not
     * fit the next cluster's leader; every MySQL follower is cloned at every start.
     */
    private static ClusterSnapshots snapshots(Settings settings, Stores stores, ServerBinaries binaries, String clusterName) {
        ClusterSnapshots snapshots = ClusterSnapshots.of(settings, stores.cacheDir());
        if (snapshots != null && binaries.isMySql()) {
            LOG.info("cluster {}: no snapshots of cloned starts on MySQL (each leader has a new server_uuid, so a kept "
                    + "clone would not fit it); every follower is cloned with mysqldump", clusterName);
            return null;
        }
        return snapshots;
    }

    private static boolean physicalClone(Settings settings, ServerBinaries binaries) {
        String mode = settings.get(CLONE).orElse("auto");
        if (binaries.isMySql() && mode.equals("physical")) {
            throw new LocalBackendException(CLONE + "=physical needs mariabackup, which cannot read MySQL 8's data files ("
                    + binaries + "); MySQL followers are cloned with mysqldump: use " + CLONE + "=logical or auto");
        }
        switch (mode) {
            case "auto":
                return binaries.hasPhysicalBackup();
            case "logical":
                return false;
            case "physical":
                if (!binaries.hasPhysicalBackup()) {
                    throw new LocalBackendException(CLONE + "=physical needs mariabackup and mbstream beside " + binaries
                            + "; install them (Debian: apt-get install mariadb-backup) or use " + CLONE + "=logical");
                }
                return true;
            default:
                throw new IllegalArgumentException(CLONE + "=" + mode + " is not a clone mode: use auto, physical or logical");
        }
    }
}
