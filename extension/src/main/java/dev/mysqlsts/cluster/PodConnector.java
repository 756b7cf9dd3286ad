package dev.mysqlsts.cluster;

import com.mysql.cj.jdbc.MysqlDataSource;
import dev.mysqlsts.backend.PodEndpoint;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;
import java.util.function.IntFunction;

/**
 * Opens the connections the harness hands out, bounded by {@link ClientTimeouts}. Connector/J's
 * {@code connectTimeout} bounds only the TCP connect; a frozen server behind a proxy accepts that and never sends
 * its greeting, so the handshake runs under a socket timeout equal to the connect timeout, and the user's socket
 * timeout (5 minutes by default) is set once the connection is open.
 */
final class PodConnector {

    private final ClientTimeouts timeouts;
    private final IntFunction<Optional<String>> faultsInForce;

    /**
     * @param faultsInForce why a pod may not answer (the faults in force on it), for error messages
     */
    PodConnector(ClientTimeouts timeouts, IntFunction<Optional<String>> faultsInForce) {
        this.timeouts = timeouts;
        this.faultsInForce = faultsInForce;
    }

    /** The pod's JDBC URL with the connect and socket bounds, so that a {@code DriverManager} connection is bounded too. */
    String jdbcUrl(PodEndpoint endpoint) {
        return endpoint.jdbcUrl() + timeouts.urlParameters();
    }

    Connection connect(PodEndpoint endpoint, String user, String password) {
        MysqlDataSource dataSource = new MysqlDataSource();
        dataSource.setServerName(endpoint.host());
        dataSource.setPort(endpoint.port());
        dataSource.setUser(user);
        dataSource.setPassword(password);
        int connectMillis = timeouts.connectMillis();
        int socketMillis = timeouts.socketMillis();
        try {
            dataSource.setUseSSL(false);
            dataSource.setAllowPublicKeyRetrieval(true);
            dataSource.setConnectTimeout(connectMillis);
            dataSource.setSocketTimeout(connectMillis > 0 ? connectMillis : socketMillis);
            Connection connection = dataSource.getConnection();
            if (connectMillis > 0) {
                connection.setNetworkTimeout(Runnable::run, socketMillis);
            }
            return connection;
        } catch (SQLException e) {
            String pod = (endpoint.ordinal() < 0 ? "" : "pod ") + endpoint.name();
            String bound = connectMillis > 0 ? " within " + connectMillis + " ms" : "";
            String why = endpoint.ordinal() < 0 ? "" : faultsInForce.apply(endpoint.ordinal()).map(f -> f + ". ").orElse("");
            throw new IllegalStateException("cannot connect to " + pod + " at "
                    + PodEndpoint.withoutPassword(endpoint.jdbcUrl()) + bound + ": " + why
                    + e.getMessage() + " (error " + e.getErrorCode() + ")", e);
        }
    }
}
