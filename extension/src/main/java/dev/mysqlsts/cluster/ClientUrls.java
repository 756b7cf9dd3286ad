package dev.mysqlsts.cluster;

import dev.mysqlsts.backend.PodEndpoint;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The JDBC URLs handed to users and applications: account {@code root} with its password, no TLS, and the
 * harness's timeouts as
 * Connector/J properties, so that a pool built from the URL alone is bounded as the harness's own connections are.
 */
final class ClientUrls {

    private ClientUrls() {
    }

    /** {@code jdbc:mysql://host:port/?...} for one endpoint. */
    static String of(PodEndpoint endpoint, ClientTimeouts timeouts, PodConnector connector) {
        return url("jdbc:mysql://", List.of(endpoint), timeouts) + connector.recorded(endpoint);
    }

    /** Connector/J's {@code jdbc:mysql:replication://source,replica.../?...}: the first host is the source. */
    static String replication(PodEndpoint source, List<PodEndpoint> replicas, ClientTimeouts timeouts,
                              PodConnector connector) {
        replicas.forEach(connector::recorded);
        return url("jdbc:mysql:replication://", Stream.concat(Stream.of(source), replicas.stream()).toList(), timeouts)
                + connector.recorded(source);
    }

    /** The first host's URL properties (the user's account, as a pod's own URL carries them) and the harness's bounds. */
    private static String url(String scheme, List<PodEndpoint> hosts, ClientTimeouts timeouts) {
        String own = hosts.get(0).jdbcUrl();
        return scheme + hosts.stream().map(e -> e.host() + ":" + e.port()).collect(Collectors.joining(",")) + "/"
                + own.substring(own.indexOf('?')) + timeouts.urlParameters();
    }
}
