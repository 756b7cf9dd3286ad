package dev.mysqlsts.samples.app;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The application under test, as a team writes it: a HikariCP pool on one URL from its config, and orders placed in
 * a transaction that is retried on a new connection when the connection was lost (SQLState 08...) or the server has
 * become read-only (error 1290, a fail-over). The insert is idempotent, so a retry after a commit whose answer was
 * lost does no harm.
 */
final class OrderService implements AutoCloseable {

    static final String SCHEMA = "CREATE TABLE IF NOT EXISTS shop.orders (id BIGINT PRIMARY KEY, placed_on INT)";
    private static final int READ_ONLY = 1290;
    private static final int ATTEMPTS = 3;

    private final HikariDataSource pool;
    private final Map<Long, Integer> attempts = new ConcurrentHashMap<>();

    OrderService(String jdbcUrl) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("orders");
        config.setJdbcUrl(jdbcUrl);
        config.setMaximumPoolSize(2);
        config.setConnectionTimeout(5_000);
        this.pool = new HikariDataSource(config);
    }

    /** Places the order; returns the {@code @@server_id} of the server that committed it. */
    int place(long id) throws SQLException {
        return place(id, () -> { });
    }

    /** Like {@link #place(long)}; {@code beforeCommit} runs inside the first attempt's transaction. */
    int place(long id, Runnable beforeCommit) throws SQLException {
        for (int attempt = 1; ; attempt++) {
            attempts.put(id, attempt);
            try (Connection connection = pool.getConnection()) {
                connection.setAutoCommit(false);
                try (PreparedStatement insert = connection.prepareStatement(
                        "INSERT INTO shop.orders VALUES (?, @@server_id) ON DUPLICATE KEY UPDATE id = id")) {
                    insert.setLong(1, id);
                    insert.executeUpdate();
                }
                if (attempt == 1) {
                    beforeCommit.run();
                }
                connection.commit();
                return serverId(connection);
            } catch (SQLException e) {
                boolean lost = e.getSQLState() != null && e.getSQLState().startsWith("08");
                if (e.getErrorCode() == READ_ONLY) {
                    pool.getHikariPoolMXBean().softEvictConnections(); // they point at the old leader
                }
                if (!(lost || e.getErrorCode() == READ_ONLY) || attempt == ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    /** How many attempts placing the order took. */
    int attempts(long id) {
        return attempts.getOrDefault(id, 0);
    }

    private static int serverId(Connection connection) throws SQLException {
        try (Statement sql = connection.createStatement(); ResultSet row = sql.executeQuery("SELECT @@server_id")) {
            row.next();
            return row.getInt(1);
        }
    }

    @Override
    public void close() {
        pool.close();
    }
}
