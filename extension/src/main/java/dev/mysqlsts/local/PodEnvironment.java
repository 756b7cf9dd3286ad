package dev.mysqlsts.local;

import dev.mysqlsts.manifest.ClusterSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Executor;

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
 * @param probe          the readiness probe
 * @param physicalClone  clone with mariabackup (else with a logical dump)
 * @param startupTimeout how long a pod may take to become Ready
 * @param supervisor     where crash restarts run
 */
record PodEnvironment(String clusterName, ClusterSpec spec, ServerBinaries binaries, Path template, Path clusterDir,
                      String leaderConfig, String followerConfig, ReadinessProbe probe, boolean physicalClone,
                      Duration startupTimeout, Executor supervisor) {

    /** The seed's sidecar retries its connection to the source every 10 s. */
    static final int CONNECT_RETRY_SECONDS = 10;
}
