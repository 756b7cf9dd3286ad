package dev.mysqlsts.spring;

import dev.mysqlsts.MySqlCluster;
import dev.mysqlsts.junit.ClusterKey;
import dev.mysqlsts.junit.RunningClusters;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.core.env.EnumerablePropertySource;

/**
 * The properties a test context gets from its cluster, read when asked (a pod's URL follows its port):
 *
 * <pre>
 * spring.datasource.url       the writer endpoint, {@link MySqlCluster#jdbcUrl()}: follows the leader across promote
 * spring.datasource.username  root
 * spring.datasource.password  root's password, the writer URL's: empty (the bundled manifests' MYSQL_ALLOW_EMPTY_PASSWORD),
 *                             or the cluster's random one with mysqlsts.rootPassword=random
 * mysqlsts.url                the writer endpoint again, for an application's own DataSource wiring
 * mysqlsts.read-url           the read endpoint, {@link MySqlCluster#readJdbcUrl()}: the mysql-read Service
 * mysqlsts.replication-url    Connector/J's replication URL, {@link MySqlCluster#replicationJdbcUrl()}
 * mysqlsts.pods[N].url        pod N's own URL
 * </pre>
 */
final class ClusterPropertySource extends EnumerablePropertySource<ClusterKey> {

    static final String NAME = "@MySqlStatefulSet cluster";
    private static final Pattern POD_URL = Pattern.compile("mysqlsts\\.pods\\[(\\d+)]\\.url");
    private static final List<String> FIXED = List.of("spring.datasource.url", "spring.datasource.username",
            "spring.datasource.password", "mysqlsts.url", "mysqlsts.read-url", "mysqlsts.replication-url");

    private final RunningClusters.Running running;

    ClusterPropertySource(ClusterKey key, RunningClusters.Running running) {
        super(NAME, key);
        this.running = running;
    }

    /** How many clusters of this key had started when the context did: a later one means the context is stale. */
    int generation() {
        return running.generation();
    }

    @Override
    public String[] getPropertyNames() {
        List<String> names = new ArrayList<>(FIXED);
        for (int n = 0; n < cluster().replicas(); n++) {
            names.add("mysqlsts.pods[" + n + "].url");
        }
        return names.toArray(String[]::new);
    }

    @Override
    public Object getProperty(String name) {
        MySqlCluster cluster = cluster();
        switch (name) {
            case "spring.datasource.url", "mysqlsts.url":
                return cluster.jdbcUrl();
            case "spring.datasource.username":
                return parameter(cluster.jdbcUrl(), "user");
            case "spring.datasource.password":
                return parameter(cluster.jdbcUrl(), "password");
            case "mysqlsts.read-url":
                return cluster.readJdbcUrl();
            case "mysqlsts.replication-url":
                return cluster.replicationJdbcUrl();
            default:
                Matcher pod = POD_URL.matcher(name);
                if (pod.matches() && Integer.parseInt(pod.group(1)) < cluster.replicas()) {
                    return cluster.pod(Integer.parseInt(pod.group(1))).jdbcUrl();
                }
                return null;
        }
    }

    private MySqlCluster cluster() {
        return running.cluster();
    }

    /** A query parameter of a JDBC URL, "" when it is there without a value or absent. */
    static String parameter(String url, String name) {
        int query = url.indexOf('?');
        if (query >= 0) {
            for (String pair : url.substring(query + 1).split("&")) {
                if (pair.startsWith(name + "=")) {
                    return java.net.URLDecoder.decode(pair.substring(name.length() + 1), java.nio.charset.StandardCharsets.UTF_8);
                }
            }
        }
        return "";
    }
}
