package dev.mysqlsts.chaos;

import dev.mysqlsts.MySqlCluster;
import dev.mysqlsts.MySqlPod;
import dev.mysqlsts.chaos.Operation.Outcome;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransientConnectionException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * One client of the ledger: writes one id per transaction, one after the other (its rate is what the leader
 * accepts), on the pod {@code cluster.leader()} names when it connects; after any error it drops its connection
 * and asks again, so it follows a promotion.
 */
final class LedgerClient implements Runnable {

    /** Pause after a failed operation, so that a leader that refuses connections is not hammered. */
    private static final long BACK_OFF_MS = 100;

    private final int number;
    private final MySqlCluster cluster;
    private final AtomicLong ids;
    private final BooleanSupplier running;
    private final List<Operation> operations = new ArrayList<>();
    private volatile Connection connection;
    private int pod = -1;

    LedgerClient(int number, MySqlCluster cluster, AtomicLong ids, BooleanSupplier running) {
        this.number = number;
        this.cluster = cluster;
        this.ids = ids;
        this.running = running;
    }

    @Override
    public void run() {
        try {
            while (running.getAsBoolean()) {
                Operation op = writeOnce();
                synchronized (operations) {
                    operations.add(op);
                }
                if (op.outcome() != Outcome.ACKNOWLEDGED) {
                    disconnect();
                    sleep();
                }
            }
        } finally {
            disconnect();
        }
    }

    private Operation writeOnce() {
        long id = ids.incrementAndGet();
        long invoked = System.currentTimeMillis();
        Connection c;
        try {
            c = connection();
        } catch (SQLException | RuntimeException e) {
            return new Operation(id, number, pod, invoked, System.currentTimeMillis(), Outcome.FAILED);
        }
        try {
            LedgerTable.write(c, id, number, invoked);
        } catch (SQLException e) {
            // not committed: the server rolls an open transaction back when it fails or its connection goes
            return new Operation(id, number, pod, invoked, System.currentTimeMillis(), Outcome.FAILED);
        }
        try {
            c.commit();
            return new Operation(id, number, pod, invoked, System.currentTimeMillis(), Outcome.ACKNOWLEDGED);
        } catch (SQLException e) {
            return new Operation(id, number, pod, invoked, System.currentTimeMillis(),
                    connectionLost(e) ? Outcome.UNKNOWN : Outcome.FAILED);
        }
    }

    /** A lost connection (SQLState class 08, a timeout): the commit may or may not have happened. */
    static boolean connectionLost(SQLException e) {
        String state = e.getSQLState();
        return (state != null && state.startsWith("08")) || e instanceof SQLTimeoutException
                || e instanceof SQLRecoverableException || e instanceof SQLTransientConnectionException
                || e instanceof SQLNonTransientConnectionException
                || e.getClass().getSimpleName().equals("CommunicationsException");
    }

    private Connection connection() throws SQLException {
        Connection c = connection;
        if (c == null) {
            MySqlPod leader = cluster.leader();
            pod = leader.ordinal();
            c = LedgerTable.connect(leader.jdbcUrl(), LedgerTable.CLIENT_SOCKET_TIMEOUT);
            LedgerTable.prepareClient(c);
            connection = c;
        }
        return c;
    }

    /** Closes the connection at once, even while a statement waits on it (called from other threads too). */
    void disconnect() {
        Connection c = connection;
        connection = null;
        if (c != null) {
            try {
                c.abort(Runnable::run);
            } catch (SQLException | RuntimeException e) {
                // gone already
            }
        }
    }

    List<Operation> operations() {
        synchronized (operations) {
            return List.copyOf(operations);
        }
    }

    private void sleep() {
        try {
            Thread.sleep(BACK_OFF_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
