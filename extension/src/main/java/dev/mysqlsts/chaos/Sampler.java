package dev.mysqlsts.chaos;

import dev.mysqlsts.MySqlCluster;
import dev.mysqlsts.statements.StatementLog;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Asks every pod, in rounds of {@value #PERIOD_MS} ms, whether it accepts writes ({@code @@read_only}) and which
 * ledger rows it holds (the newest row's time): the raw material of lag, split brain and monotonic reads. Each pod
 * has its own thread and connection, so a frozen pod delays no other; a pod still busy with the previous round
 * (frozen, cut) skips a round.
 */
final class Sampler {

    static final long PERIOD_MS = 200;

    private final MySqlCluster cluster;
    private final List<Sample> samples = new ArrayList<>();
    private final Map<Integer, ExecutorService> perPod = new HashMap<>();
    private final Map<Integer, Future<?>> pending = new HashMap<>();
    private final Map<Integer, Connection> connections = new java.util.concurrent.ConcurrentHashMap<>();
    private ScheduledExecutorService ticker;
    private long round;

    Sampler(MySqlCluster cluster) {
        this.cluster = cluster;
    }

    synchronized void start() {
        ticker = Executors.newSingleThreadScheduledExecutor(daemon("mysqlsts-ledger-sampler"));
        ticker.scheduleAtFixedRate(this::round, 0, PERIOD_MS, TimeUnit.MILLISECONDS);
    }

    private synchronized void round() {
        long number = round++;
        int leader;
        int replicas;
        try {
            leader = cluster.leader().ordinal();
            replicas = cluster.replicas();
        } catch (RuntimeException e) {
            return;
        }
        for (int pod = 0; pod < replicas; pod++) {
            Future<?> previous = pending.get(pod);
            if (previous != null && !previous.isDone()) {
                continue;
            }
            int ordinal = pod;
            ExecutorService executor = perPod.computeIfAbsent(pod,
                    n -> Executors.newSingleThreadExecutor(daemon("mysqlsts-ledger-sampler-" + n)));
            try {
                pending.put(pod, executor.submit(() -> sample(number, ordinal, leader)));
            } catch (java.util.concurrent.RejectedExecutionException e) {
                return; // stopping
            }
        }
    }

    private void sample(long number, int pod, int leader) {
        Connection c = connection(pod);
        try {
            if (c == null) {
                c = LedgerTable.connect(StatementLog.unrecorded(cluster.pod(pod).jdbcUrl()), LedgerTable.READ_SOCKET_TIMEOUT);
                remember(pod, c);
            }
            long[] seen = LedgerTable.sample(c);
            synchronized (samples) {
                samples.add(new Sample(number, pod, leader, System.currentTimeMillis(), seen[0] == 0, seen[1]));
            }
        } catch (SQLException | RuntimeException e) {
            remember(pod, null);
            close(c);
        }
    }

    private Connection connection(int pod) {
        return connections.get(pod);
    }

    private void remember(int pod, Connection c) {
        if (c == null) {
            connections.remove(pod);
        } else {
            connections.put(pod, c);
        }
    }

    /** Stops sampling; returns at once (a pod's pending query ends within its socket timeout). */
    void stop() {
        List<ExecutorService> executors;
        synchronized (this) {
            if (ticker != null) {
                ticker.shutdownNow();
            }
            executors = List.copyOf(perPod.values());
        }
        executors.forEach(ExecutorService::shutdown);
        for (ExecutorService executor : executors) {
            try {
                executor.awaitTermination(LedgerTable.READ_SOCKET_TIMEOUT.toMillis() + 1000, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        connections.values().forEach(Sampler::close);
        connections.clear();
    }

    List<Sample> samples() {
        synchronized (samples) {
            return List.copyOf(samples);
        }
    }

    private static void close(Connection c) {
        if (c != null) {
            try {
                c.abort(Runnable::run);
            } catch (SQLException | RuntimeException e) {
                // gone already
            }
        }
    }

    static java.util.concurrent.ThreadFactory daemon(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }
}
