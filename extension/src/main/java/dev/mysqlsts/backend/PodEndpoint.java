package dev.mysqlsts.backend;

import static org.apiguardian.api.API.Status.INTERNAL;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import org.apiguardian.api.API;

/**
 * Where the test JVM reaches one pod's MySQL port.
 *
 * @param ordinal       the pod ordinal
 * @param name          the pod name, for example {@code mysql-1}
 * @param host          a host the test JVM can connect to (always a loopback address)
 * @param port          the port on that host
 * @param adminUser     the account the harness itself uses for replication control; it may differ from
 *                      {@code root}, which the user's connections get
 * @param adminPassword that account's password ({@code ""} for none): a per-cluster secret on LOCAL, so that a
 *                      server of another cluster that took this pod's port cannot pass the harness's probes
 * @param userPassword  {@code root}'s password, which the user's URLs and connections carry ({@code ""} for none,
 *                      the default; a per-cluster secret on LOCAL with {@code mysqlsts.rootPassword=random})
 */
@API(status = INTERNAL)
public record PodEndpoint(int ordinal, String name, String host, int port, String adminUser, String adminPassword,
                           String userPassword) {

    /** An endpoint whose admin account and root have empty passwords. */
    public PodEndpoint(int ordinal, String name, String host, int port, String adminUser) {
        this(ordinal, name, host, port, adminUser, "", "");
    }

    /** The JDBC URL handed to users: account {@code root} with its password, no TLS. */
    public String jdbcUrl() {
        return jdbcUrl("root", userPassword);
    }

    /** {@code text} (a URL, or a message that holds one) with each {@code password=} parameter's value as ***. */
    public static String withoutPassword(String text) {
        return text.replaceAll("([?&]password=)[^&\\s]+", "$1***");
    }

    /** The JDBC URL for the harness's own account. */
    public String adminJdbcUrl() {
        return jdbcUrl(adminUser, adminPassword);
    }

    private String jdbcUrl(String user, String password) {
        return "jdbc:mysql://" + host + ":" + port + "/?user=" + user
                + "&password=" + URLEncoder.encode(password, StandardCharsets.UTF_8)
                + "&useSSL=false&allowPublicKeyRetrieval=true";
    }

    /** Like the record's, without the password. */
    @Override
    public String toString() {
        return "PodEndpoint[" + name + " (ordinal " + ordinal + ") at " + host + ":" + port + ", admin " + adminUser
                + (adminPassword.isEmpty() ? "" : " with a password")
                + (userPassword.isEmpty() ? "" : ", root with a password")
                + "]";
    }
}
