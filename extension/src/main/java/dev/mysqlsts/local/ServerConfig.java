package dev.mysqlsts.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes the {@code my.cnf} a pod's server starts with: what the image and the pod's mounts give mysqld in
 * Kubernetes (its data volume, its own port on the loopback address, {@code conf.d/} included last so the
 * ConfigMap's options win), and {@code log-basename} set to the pod name, the hostname a pod would have.
 * Connections use no TLS, so TLS is off unless the ConfigMap turns it on.
 */
final class ServerConfig {

    private ServerConfig() {
    }

    static void write(PodDirectory pod, ServerBinaries binaries, String podName, int port, List<String> harnessOptions) {
        StringBuilder cnf = new StringBuilder()
                .append("# Written by mysql-statefulset-junit for pod ").append(podName).append('\n')
                .append("[mysqld]\n")
                .append("log-basename=").append(podName).append('\n')
                .append("basedir=").append(binaries.basedir()).append('\n')
                .append("datadir=").append(pod.data()).append('\n')
                .append("port=").append(port).append('\n')
                .append("bind-address=127.0.0.1\n")
                .append("socket=").append(socket(port)).append('\n')
                .append("log-error=").append(pod.errorLog()).append('\n')
                .append("skip-name-resolve\n")
                // MariaDB 11.4 makes a new TLS certificate at every start (5 to 8 s here); clients here use no TLS
                .append("skip-ssl\n");
        harnessOptions.forEach(option -> cnf.append(option).append('\n'));
        cnf.append("!includedir ").append(pod.confD()).append('\n');
        try {
            Files.createDirectories(pod.confD());
            Files.writeString(pod.myCnf(), cnf);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + pod.myCnf(), e);
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
