package dev.mysqlsts.samples.spring;

import java.math.BigDecimal;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.RecoverableDataAccessException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The service under test. {@link #placeOrder} retries, for up to 30 s, a write whose connection broke (a reset, a
 * leader that stopped answering within the pool's socket timeout, a pooled connection still on an old leader after a
 * fail-over: error 1290, read-only): each attempt is a transaction of its own on a connection the pool checks, so a
 * retried write is applied twice only when the broken commit had happened on the same leader (the ledger samples
 * show when that is).
 */
@Service
public class OrderService {

    private static final Logger LOG = LoggerFactory.getLogger(OrderService.class);
    /** How long a write is retried: a fail-over takes seconds, a lost connection is back at once. */
    private static final long RETRY_FOR_MILLIS = 30_000;
    private static final long BACK_OFF_MILLIS = 500;
    private static final int READ_ONLY = 1290;

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;

    OrderService(JdbcTemplate jdbc, TransactionTemplate transactions) {
        this.jdbc = jdbc;
        this.transactions = transactions;
    }

    /** Stores an order on the leader and returns its id; retries a write whose connection broke. */
    public long placeOrder(String customer, BigDecimal amount) {
        long deadline = System.currentTimeMillis() + RETRY_FOR_MILLIS;
        for (int attempt = 1; ; attempt++) {
            try {
                return transactions.execute(status -> insert(customer, amount));
            } catch (DataAccessException e) {
                if (System.currentTimeMillis() > deadline || !retryable(e)) {
                    throw e;
                }
                LOG.info("order for {}: attempt {} failed ({}), retrying", customer, attempt, e.getMostSpecificCause().getMessage());
                backOff();
            }
        }
    }

    private static void backOff() {
        try {
            Thread.sleep(BACK_OFF_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while retrying an order", e);
        }
    }

    /**
     * Reads an order through the read endpoint. Right after {@link #placeOrder} this may not see it yet: the read
     * goes to any Ready pod, and a follower applies the write later (the read-your-writes bug).
     */
    @Transactional(readOnly = true)
    public Optional<Order> findOrder(long id) {
        List<Order> found = jdbc.query("SELECT id, customer, amount FROM shop.orders WHERE id = ?",
                (rs, n) -> new Order(rs.getLong(1), rs.getString(2), rs.getBigDecimal(3)), id);
        return found.stream().findFirst();
    }

    /**
     * The fix: the order is read back in the transaction that wrote it, on the leader, so the caller always sees
     * its own write, whatever the followers' lag.
     */
    public Order placeOrderAndReadBack(String customer, BigDecimal amount) {
        return transactions.execute(status -> {
            long id = insert(customer, amount);
            return jdbc.queryForObject("SELECT id, customer, amount FROM shop.orders WHERE id = ?",
                    (rs, n) -> new Order(rs.getLong(1), rs.getString(2), rs.getBigDecimal(3)), id);
        });
    }

    /** How many orders the leader holds. */
    public long count() {
        return transactions.execute(status -> jdbc.queryForObject("SELECT COUNT(*) FROM shop.orders", Long.class));
    }

    private long insert(String customer, BigDecimal amount) {
        GeneratedKeyHolder key = new GeneratedKeyHolder();
        jdbc.update(connection -> {
            var statement = connection.prepareStatement("INSERT INTO shop.orders (customer, amount) VALUES (?, ?)",
                    java.sql.Statement.RETURN_GENERATED_KEYS);
            statement.setString(1, customer);
            statement.setBigDecimal(2, amount);
            return statement;
        }, key);
        return key.getKey().longValue();
    }

    /** A broken connection, or a leader that became read-only: a new connection may reach the current leader. */
    private static boolean retryable(DataAccessException e) {
        if (e instanceof DataAccessResourceFailureException || e instanceof RecoverableDataAccessException
                || e instanceof TransientDataAccessException) {
            return true;
        }
        return e.getMostSpecificCause() instanceof SQLException sql && sql.getErrorCode() == READ_ONLY;
    }
}
