package dev.mysqlsts.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mysqlsts.cluster.StatefulSetCluster;
import dev.mysqlsts.replication.Sql;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 19: the seed's manifests with a production my.cnf in the ConfigMap (manifests-fixtures/production-config):
 * every option that shapes the server's behaviour is in effect on every pod, and every option that places the server
 * in its container (every interface, port 3306, /var/lib/mysql, /var/run/mysqld, /var/log/mysql, /tmp) is confined:
 * each server listens on 127.0.0.1 only and keeps its files in the run's directory.
 */
class ProductionConfigTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    /** Each behavioural option of the fixture's ConfigMap, as the server shows it. */
    private static final Map<String, String> BEHAVIOUR = Map.ofEntries(
            Map.entry("character_set_server", "utf8mb4"),
            Map.entry("collation_server", "utf8mb4_unicode_ci"),
            Map.entry("max_connections", "500"),
            Map.entry("innodb_buffer_pool_size", Long.toString(64L << 20)),
            Map.entry("innodb_log_file_size", Long.toString(48L << 20)),
            Map.entry("sql_mode", "STRICT_TRANS_TABLES,NO_ZERO_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION"),
            Map.entry("innodb_flush_log_at_trx_commit", "2"),
            Map.entry("sync_binlog", "1"),
            Map.entry("binlog_format", "ROW"),
            Map.entry("expire_logs_days", "3"), // a double, selected as an integer
            Map.entry("skip_name_resolve", "1"),
            Map.entry("slow_query_log", "1"));

    /** The file and directory variables the fixture sets to container paths. */
    private static final List<String> PATHS = List.of("datadir", "socket", "pid_file", "log_error", "tmpdir",
            "slow_query_log_file", "general_log_file", "secure_file_priv", "log_bin_basename", "log_bin_index",
            "relay_log_basename");

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/usr/sbin/mariadbd", ServerBinariesLocator.CLASSPATH})
    void behaviourTakesEffectOnEveryPodAndPlacementIsConfinedToLoopbackAndTheRunDirectory(String server)
            throws IOException {
        if (!server.equals(ServerBinariesLocator.CLASSPATH)) {
            assumeTrue(Files.isExecutable(Path.of(server)), server + " is not installed on this host");
        }
        LocalStatefulSet cluster = ManifestDrivenStartTest.start("production-config", ServerBinariesLocator.PROPERTY,
                server, "mysqlsts.snapshot", "false");
        try {
            Sql.execute(cluster.endpoint(0).adminJdbcUrl(), TIMEOUT, "CREATE DATABASE shop",
                    "CREATE TABLE shop.orders (id INT PRIMARY KEY, note VARCHAR(20))",
                    "INSERT INTO shop.orders VALUES (1, '\u00e9t\u00e9 \uD83D\uDE00')");
            new StatefulSetCluster(cluster).awaitReplicationCaughtUp();
            Path run = ProcessReaper.get().runDirectory().toRealPath();
            for (int ordinal = 0; ordinal < 3; ordinal++) {
                String pod = "mysql-" + ordinal;
                Map<String, String> values = variables(cluster, ordinal);
                BEHAVIOUR.forEach((variable, expected) ->
                        assertEquals(expected, values.get(variable), pod + ": @@" + variable));

                assertEquals("127.0.0.1", values.get("bind_address"), pod);
                assertNotEquals("3306", values.get("port"), pod);
                for (String variable : PATHS) {
                    String value = values.get(variable);
                    if (value != null) { // relay_log_basename is empty on the leader, log_bin's on followers
                        assertTrue(Path.of(value).toAbsolutePath().normalize().startsWith(run),
                                pod + ": @@" + variable + " = " + value + " is not under " + run);
                    }
                }
                assertFalse(values.get("socket").startsWith("/var/run/mysqld") || values.get("socket").startsWith("/run/mysqld"), pod);
                String logs = values.get(ordinal == 0 ? "log_bin_basename" : "relay_log_basename");
                assertTrue(logs.contains("/rootfs/var/log/mysql/"), pod + ": its binary or relay log in its pod's "
                        + "/var/log/mysql: " + logs);

                int port = Integer.parseInt(values.get("port"));
                assertEquals(Set.of("127.0.0.1:" + port), listening(cluster.pid(ordinal)), pod + " listens on");
                for (InetAddress address : nonLoopbackAddresses()) {
                    assertThrows(IOException.class, () -> {
                        try (Socket socket = new Socket()) {
                            socket.connect(new InetSocketAddress(address, port), 2000);
                        }
                    }, pod + " must not answer on " + address.getHostAddress() + ":" + port);
                }
                assertEquals("\u00e9t\u00e9 \uD83D\uDE00", Sql.rows(cluster.endpoint(ordinal).adminJdbcUrl(), TIMEOUT,
                        "SELECT note FROM shop.orders WHERE id = 1").get(0).get("note"), pod + " has the leader's row");
            }
        } finally {
            cluster.close();
        }
    }

    private static Map<String, String> variables(LocalStatefulSet cluster, int ordinal) {
        List<String> names = new ArrayList<>(BEHAVIOUR.keySet());
        names.addAll(PATHS);
        names.addAll(List.of("bind_address", "port"));
        String select = "SELECT " + String.join(", ", names.stream().map(name -> (name.equals("expire_logs_days") ? "CAST(@@" + name + " AS UNSIGNED)" : "@@" + name)
                + " AS " + name).toList());
        return Sql.rows(cluster.endpoint(ordinal).adminJdbcUrl(), TIMEOUT, select).get(0);
    }

    /** The TCP addresses a process listens on, from /proc/net/tcp and tcp6 and its open sockets. */
    static Set<String> listening(long pid) throws IOException {
        Set<String> inodes = new HashSet<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) {
                        inodes.add(target.substring(8, target.length() - 1));
                    }
                } catch (IOException e) {
                    // closed meanwhile
                }
            }
        }
        Set<String> addresses = new HashSet<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            List<String> lines = Files.readAllLines(Path.of(table));
            for (String line : lines.subList(1, lines.size())) {
                String[] fields = line.trim().split("\\s+");
                if (fields[3].equals("0A") && inodes.contains(fields[9])) { // 0A: LISTEN
                    addresses.add(address(fields[1]));
                }
            }
        }
        return addresses;
    }

    /** {@code 0100007F:0CEA} (little-endian IPv4) or a 32-digit IPv6 address, as host:port. */
    private static String address(String hex) {
        String[] parts = hex.split(":");
        int port = Integer.parseInt(parts[1], 16);
        if (parts[0].length() == 8) {
            long ip = Long.parseLong(parts[0], 16);
            return (ip & 0xff) + "." + (ip >> 8 & 0xff) + "." + (ip >> 16 & 0xff) + "." + (ip >> 24 & 0xff) + ":" + port;
        }
        return "[" + parts[0] + "]:" + port;
    }

    private static List<InetAddress> nonLoopbackAddresses() throws IOException {
        List<InetAddress> addresses = new ArrayList<>();
        for (NetworkInterface network : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (network.isUp() && !network.isLoopback()) {
                Collections.list(network.getInetAddresses()).stream()
                        .filter(address -> address instanceof Inet4Address).forEach(addresses::add);
            }
        }
        return addresses;
    }
}
