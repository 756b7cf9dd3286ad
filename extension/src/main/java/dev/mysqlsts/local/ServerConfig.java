package dev.mysqlsts.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the one flat {@code my.cnf} a pod's server starts with. What the init container wrote into {@code conf.d/}
 * (whatever wrote it) is read as the server would read it: {@code my_print_defaults} of the server's own installation
 * resolves the files with their {@code !include} and {@code !includedir} lines and the server's option groups. Those
 * options are written in their order after the harness's defaults (so the ConfigMap's options win over them), with
 * every option that places the server on this host confined ({@link PlacementOptions}, one log line per option and
 * cluster); then the harness's placement (its data volume, its own port on the loopback address, its socket, error
 * log, installation and init file) last, so no config, however it includes others, places a server elsewhere.
 * {@code log-basename} is the pod name, the hostname a pod would have. Connections use no TLS, so TLS is off unless
 * the ConfigMap turns it on.
 */
final class ServerConfig {

    private static final Logger LOG = LoggerFactory.getLogger(ServerConfig.class);
    private static final Duration PRINT_DEFAULTS_TIMEOUT = Duration.ofSeconds(30);
    /** The notes already logged, per cluster directory: one line per option and cluster, not per pod start. */
    private static final Set<String> LOGGED = ConcurrentHashMap.newKeySet();

    private ServerConfig() {
    }

    /**
     * @param harnessOptions the harness's options: those that place the server (init-file) are written last, the
     *                       others before the config's options, which can override them
     */
    static void write(PodDirectory pod, ServerBinaries binaries, String podName, int port, List<String> harnessOptions) {
        try {
            Files.createDirectories(pod.confD());
        } catch (IOException e) {
            throw new UncheckedIOException("could not create " + pod.confD(), e);
        }
        PlacementOptions.Confined config = new PlacementOptions(pod, ServerOptions.of(binaries,
                ProcessReaper.get().runDirectory())).confine(resolve(pod, binaries));
        Path clusterDir = pod.root().toAbsolutePath().getParent();
        // a snapshot's kept clone (in the cache) starts with a config its cluster's pods already logged
        boolean clusterPod = clusterDir.startsWith(ProcessReaper.get().runDirectory().toAbsolutePath());
        config.notes().stream().filter(note -> LOGGED.add(clusterDir + "\0" + note)).forEach(note -> {
            if (clusterPod) {
                LOG.info("{}: {}", podName, note);
            } else {
                LOG.debug("{}: {}", podName, note);
            }
        });

        List<ConfigOption> harness = harnessOptions.stream().map(ConfigOption::parse).toList();
        List<ConfigOption> placement = harness.stream().filter(ServerConfig::placesTheServer).toList();
        StringBuilder cnf = new StringBuilder()
                .append("# Written by mysql-statefulset-junit for pod ").append(podName).append('\n')
                .append("[mysqld]\n");
        binaries.family().configHeader(podName).forEach(line -> cnf.append(line).append('\n'));
        binaries.family().podDefaults(pod).forEach(line -> cnf.append(line).append('\n'));
        harness.stream().filter(option -> !placement.contains(option)).forEach(option -> cnf.append(option.line()).append('\n'));
        cnf.append("# ").append(pod.confD()).append(", includes resolved, placement confined\n");
        config.options().forEach(option -> cnf.append(option.line()).append('\n'));
        cnf.append("# the pod's placement on this host, whatever the config says\n")
                .append("basedir=").append(binaries.basedir()).append('\n')
                .append("datadir=").append(pod.data()).append('\n')
                .append("port=").append(port).append('\n')
                .append("bind-address=127.0.0.1\n")
                .append("socket=").append(socket(port)).append('\n')
                .append("log-error=").append(pod.errorLog()).append('\n');
        placement.forEach(option -> cnf.append(option.line()).append('\n'));
        binaries.family().placement().forEach(line -> cnf.append(line).append('\n'));
        try {
            Files.writeString(pod.myCnf(), cnf);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + pod.myCnf(), e);
        }
    }

    private static boolean placesTheServer(ConfigOption option) {
        String name = ServerOptions.normalize(option.name());
        return name.equals("init-file") || PlacementOptions.HARNESS_OWNED.containsKey(name);
    }

    /** The server options of the pod's conf.d/ as the server reads them: groups, includes and escapes resolved. */
    static List<ConfigOption> resolve(PodDirectory pod, ServerBinaries binaries) {
        Path top = pod.root().resolve("conf.d.cnf");
        if (!Files.isExecutable(binaries.printDefaults())) {
            throw new LocalBackendException("the LOCAL backend reads a pod's config with my_print_defaults, which is "
                    + "not beside " + binaries.client() + "; install the client programs of " + binaries);
        }
        try {
            Files.writeString(top, "!includedir " + pod.confD() + "\n");
            List<String> command = new java.util.ArrayList<>(List.of(binaries.printDefaults().toString(),
                    "--defaults-file=" + top));
            command.addAll(binaries.family().printDefaultsGroups(binaries.version()));
            String printed = Commands.run(command, pod.consoleLog(), PRINT_DEFAULTS_TIMEOUT);
            return printed.lines().filter(line -> line.startsWith("--")).map(ConfigOption::parse).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("could not read the options of " + pod.confD(), e);
        } finally {
            try {
                Files.deleteIfExists(top);
            } catch (IOException e) {
                LOG.debug("could not delete {}", top, e);
            }
        }
    }

    /**
     * The Unix socket the server must create: in the JVM's run directory and named after the port, because
     * socket paths are limited to 107 bytes and pod directories can be deeper than that.
     */
    private static Path socket(int port) {
        return ProcessReaper.get().runDirectory().resolve(port + ".sock");
    }

    /** What the seed's init container writes: server-id.cnf and the role's config file in conf.d/. */
    static void writeConfD(PodDirectory pod, int serverId, String roleFile, String roleConfig) {
        try {
            Path confD = pod.confD();
            Directories.deleteRecursively(confD);
            Files.createDirectories(confD);
            Files.writeString(confD.resolve("server-id.cnf"), "[mysqld]\nserver-id=" + serverId + "\n");
            Files.writeString(confD.resolve(roleFile), roleConfig);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + pod.confD(), e);
        }
    }
}
