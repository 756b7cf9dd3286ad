package dev.mysqlsts.cluster;

import com.mysql.cj.jdbc.MysqlDataSource;
import dev.mysqlsts.backend.PodEndpoint;
import dev.mysqlsts.statements.StatementLog;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;
import java.util.function.IntFunction;

/**
 * Opens the connections the harness hands out, bounded by {@link ClientTimeouts}. Connector/J's
 * {@code connectTimeout} bounds only the TCP connect; a frozen server behind a proxy accepts that and never sends
 * its greeting, so the handshake runs under a socket timeout equal to the connect timeout, and the user's socket
 * timeout (5 minutes by default) is set once the connection is open. Every URL and connection it hands out carries
 * the cluster's statement recorder ({@link StatementLog}).
 */
final class PodConnector {

    private final ClientTimeouts timeouts;
    private final IntFunction<Optional<String>> faultsInForce;
    private final StatementLog statements;

    /**
     * @param faultsInForce why a pod may not answer (the faults in force on it), for error messages
     */
    PodConnector(ClientTimeouts timeouts, IntFunction<Optional<String>> faultsInForce, StatementLog statements) {
        this.timeouts = timeouts;
        this.faultsInForce = faultsInForce;
        this.statements = statements;
    }

    /** The recorder's URL parameters for connections to {@code endpoint}, whose port it learns. */
    String recorded(PodEndpoint endpoint) {
        statements.endpoint(endpoint.port(), endpoint.name());
        return statements.urlParameters();
    }

    /** The pod's JDBC URL with the connect and socket bounds, so that a {@code DriverManager} connection is bounded too. */
    String jdbcUrl(PodEndpoint endpoint) {
        return endpoint.jdbcUrl() + timeouts.urlParameters() + recorded(endpoint);
    }

    Connection connect(PodEndpoint endpoint, String user, String password) {
        MysqlDataSource dataSource = new MysqlDataSource();
        // the interceptor's own parameter can only come through the URL (Connector/J's QueryInterceptor Javadoc)
        dataSource.setURL("jdbc:mysql://" + endpoint.host() + ":" + endpoint.port() + "/?useSSL=false"
                + recorded(endpoint));
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
