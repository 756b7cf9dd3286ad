package dev.mysqlsts.backend;

/**
 * Where the test JVM reaches one pod's MySQL port.
 *
 * @param ordinal   the pod ordinal
 * @param name      the pod name, for example {@code mysql-1}
 * @param host      a host the test JVM can connect to (always a loopback address)
 * @param port      the port on that host
 * @param adminUser the account the harness itself uses for replication control; it may differ from
 *                  {@code root}, which the user's connections get
 */
public record PodEndpoint(int ordinal, String name, String host, int port, String adminUser) {

    /** The JDBC URL handed to users: account {@code root}, empty password, no TLS. */
    public String jdbcUrl() {
        return jdbcUrl("root");
    }

    /** The JDBC URL for the harness's own account. */
    public String adminJdbcUrl() {
        return jdbcUrl(adminUser);
    }

    private String jdbcUrl(String user) {
        return "jdbc:mysql://" + host + ":" + port + "/?user=" + user
                + "&password=&useSSL=false&allowPublicKeyRetrieval=true";
    }
}
