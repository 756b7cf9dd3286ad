package dev.mysqlsts.faults;

import dev.mysqlsts.ReplicaStatus;
import dev.mysqlsts.backend.RunningStatefulSet;
import dev.mysqlsts.replication.Replication;
import java.time.Duration;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Undoes every fault in force ({@link dev.mysqlsts.Faults#heal()}): the network, the probes and the client paths
 * restored, paused pods thawed, stopped replication started and delays removed, then every pod Ready and every
 * follower caught up, but the promotion's casualties.
 */
final class Heal {

    private static final Logger LOG = LoggerFactory.getLogger(Heal.class);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration CATCH_UP_TIMEOUT = Duration.ofSeconds(60);

    private final RunningStatefulSet statefulSet;
    private final FaultTarget cluster;
    private final FaultsInForce inForce;
    private final PromotionCasualties casualties;
    private final PodOrdinals pods;
    private final HostFaults host;

    Heal(RunningStatefulSet statefulSet, FaultTarget cluster, FaultsInForce inForce, PromotionCasualties casualties,
         PodOrdinals pods, HostFaults host) {
        this.host = host;
        this.statefulSet = statefulSet;
        this.cluster = cluster;
        this.inForce = inForce;
        this.casualties = casualties;
        this.pods = pods;
    }

    /** @param currentTest whose faults these are, for the failure's message */
    void heal(String currentTest) {
        long started = System.nanoTime();
        statefulSet.faults().restoreAll();
        statefulSet.faults().clientPaths().clearClientFaults();
        inForce.networkRestored();
        statefulSet.awaitReady(READY_TIMEOUT);
        if (!host.heal(statefulSet.replicas()).isEmpty()) {
            statefulSet.awaitReady(READY_TIMEOUT);
        }
        FaultsInForce.StoppedOrDelayed replication = inForce.takeReplicationFaults();
        for (int ordinal : replication.stopped()) {
            if (isFollower(ordinal)) {
                Replication.startReplica(statefulSet.endpoint(ordinal).adminJdbcUrl());
            }
        }
        for (int ordinal : replication.delayed()) {
            if (isFollower(ordinal)) {
                Replication.delay(statefulSet.endpoint(ordinal).adminJdbcUrl(), Duration.ZERO);
            }
        }
        inForce.endedAll();
        reconnectReplicas();
        Set<Integer> left = casualties.get();
        if (!left.isEmpty()) {
            LOG.info("heal: {} cannot follow the new source (the promotion reported them); they are left out of the "
                    + "catch-up, and rebuilt after the test", pods.names(left));
        }
        try {
            cluster.awaitReplicationCaughtUp(CATCH_UP_TIMEOUT, ordinal -> !left.contains(ordinal));
        } catch (AssertionError e) {
            throw new AssertionError("heal() after the faults of " + currentTest + ": " + e.getMessage(), e);
        }
        inForce.healed();
        LOG.info("healed: {} pods Ready and caught up in {} ms", statefulSet.replicas(),
                (System.nanoTime() - started) / 1_000_000);
    }

    private boolean isFollower(int ordinal) {
        return ordinal < statefulSet.replicas() && ordinal != cluster.leaderOrdinal();
    }

    /** A follower whose IO thread gave up or waits for its retry is told to connect now. */
    private void reconnectReplicas() {
        for (int ordinal = 0; ordinal < statefulSet.replicas(); ordinal++) {
            if (ordinal == cluster.leaderOrdinal()) {
                continue;
            }
            String url = statefulSet.endpoint(ordinal).adminJdbcUrl();
            ReplicaStatus status = Replication.replicaStatus(url).orElse(null);
            if (status != null && !status.ioRunning()) {
                try {
                    Replication.restartIoThread(url);
                } catch (RuntimeException e) {
                    // for example 1201 after a crash that left relay-log.info naming a purged relay log: the wait
                    // below names the pod; the repair after the test rebuilds it
                    LOG.warn("heal: the IO thread of {} does not start ({}); {} cannot catch up", pods.name(ordinal),
                            e.getMessage(), pods.name(ordinal));
                }
            }
        }
    }
}
