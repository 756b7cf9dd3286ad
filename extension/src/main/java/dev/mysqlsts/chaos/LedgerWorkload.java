package dev.mysqlsts.chaos;

import dev.mysqlsts.Ledger;
import dev.mysqlsts.LedgerReport;
import dev.mysqlsts.MySqlCluster;
import dev.mysqlsts.MySqlPod;
import dev.mysqlsts.backend.PodEndpoint;
import dev.mysqlsts.cluster.StatefulSetCluster;
import dev.mysqlsts.faults.FaultHistory;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The {@link Ledger} of one test method: its clients, its samplers, and once stopped its verdict. */
final class LedgerWorkload implements Ledger {

    private static final Logger LOG = LoggerFactory.getLogger(LedgerWorkload.class);
    private static final int MAX_CLIENTS = 64;
    private static final Duration TABLES_ON_FOLLOWERS = Duration.ofSeconds(10);
    private static final long JOIN_MS = LedgerTable.CLIENT_SOCKET_TIMEOUT.toMillis() + 3_000;

    private final MySqlCluster cluster;
    private final FaultHistory history;
    private final Supplier<OptionalLong> seed;
    private final String testName;
    private final List<LedgerClient> clients = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicLong ids = new AtomicLong();
    private volatile boolean running;
    private Sampler sampler;
    private volatile long started;
    private long stopped;
    private List<Operation> operations = List.of();
    private List<Sample> samples = List.of();
    private Verdict verdict;

    LedgerWorkload(MySqlCluster cluster, FaultHistory history, Supplier<OptionalLong> seed, String testName) {
        this.cluster = cluster;
        this.history = history;
        this.seed = seed;
        this.testName = testName;
    }

    @Override
    public synchronized void start(int clientCount) {
        if (clientCount < 1 || clientCount > MAX_CLIENTS) {
            throw new IllegalArgumentException("ledger.start(" + clientCount + "): give between 1 and " + MAX_CLIENTS
                    + " clients (each is a thread with its own connection to the leader)");
        }
        if (running) {
            throw new IllegalStateException("ledger.start(" + clientCount + "): the ledger of " + testName
                    + " runs already; call ledger.stop() first");
        }
        if (started != 0) {
            throw new IllegalStateException("ledger.start(" + clientCount + "): the ledger of " + testName
                    + " ran already; one ledger runs once per test method");
        }
        MySqlPod leader = cluster.leader();
        try (Connection c = LedgerTable.connect(leader.jdbcUrl(), LedgerTable.CLIENT_SOCKET_TIMEOUT)) {
            LedgerTable.recreate(c);
        } catch (SQLException e) {
            throw new IllegalStateException("ledger.start(): cannot create the ledger's tables (schema "
                    + LedgerTable.SCHEMA + ") on the leader " + leader.name() + " at "
                    + PodEndpoint.withoutPassword(leader.jdbcUrl()) + ": "
                    + e.getMessage() + " (error " + e.getErrorCode() + ")", e);
        }
        awaitTablesOnFollowers(leader.ordinal());
        started = System.currentTimeMillis();
        running = true;
        sampler = new Sampler(cluster);
        sampler.start();
        for (int n = 0; n < clientCount; n++) {
            LedgerClient client = new LedgerClient(n, cluster, ids, () -> running);
            Thread thread = new Thread(client, "mysqlsts-ledger-client-" + n);
            thread.setDaemon(true);
            clients.add(client);
            threads.add(thread);
            thread.start();
        }
        LOG.info("ledger of {}: {} clients writing to {} (schema {})", testName, clientCount, leader.name(),
                LedgerTable.SCHEMA);
    }

    /**
     * The ledger's tables reach every follower that a fault does not cut off before the clients start, so that a
     * test can read them on any pod at once; bounded, and a follower that does not get them is only logged.
     */
    private void awaitTablesOnFollowers(int leader) {
        if (!(cluster instanceof StatefulSetCluster statefulSet)) {
            return;
        }
        try {
            statefulSet.awaitReplicationCaughtUp(TABLES_ON_FOLLOWERS,
                    n -> !statefulSet.faults().inForce().cutOff(leader, n));
        } catch (RuntimeException | AssertionError e) {
            LOG.info("ledger of {}: its tables have not reached every follower yet: {}", testName, e.getMessage());
        }
    }

    @Override
    public synchronized LedgerReport stop() {
        if (started == 0) {
            throw new IllegalStateException("ledger.stop(): the ledger of " + testName + " was not started; call "
                    + "ledger.start(clients) first");
        }
        if (verdict != null) {
            return verdict;
        }
        halt();
        verdict = new Checker(cluster, history).check(operations, samples, started, stopped, seed.get());
        LOG.info("ledger of {}: {}", testName, verdict.summary());
        return verdict;
    }

    /**
     * Stops the clients and samplers without a verdict (the end of a test that did not stop its ledger).
     *
     * @return whether it was running
     */
    synchronized boolean halt() {
        if (!running) {
            return false;
        }
        running = false;
        stopped = System.currentTimeMillis();
        long deadline = System.currentTimeMillis() + JOIN_MS;
        for (int i = 0; i < threads.size(); i++) {
            try {
                threads.get(i).join(Math.max(1, deadline - System.currentTimeMillis()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (threads.get(i).isAlive()) {
                clients.get(i).disconnect();
            }
        }
        sampler.stop();
        List<Operation> all = new ArrayList<>();
        clients.forEach(client -> all.addAll(client.operations()));
        operations = List.copyOf(all);
        samples = sampler.samples();
        return true;
    }

    boolean wasStarted() {
        return started != 0;
    }

    synchronized long startedAt() {
        return started;
    }

    /** The operations so far (all of them once stopped). */
    synchronized List<Operation> operations() {
        if (!running) {
            return operations;
        }
        List<Operation> all = new ArrayList<>();
        clients.forEach(client -> all.addAll(client.operations()));
        return all;
    }

    synchronized List<Sample> samples() {
        return running ? sampler.samples() : samples;
    }

    synchronized Optional<Verdict> verdict() {
        return Optional.ofNullable(verdict);
    }
}
