package dev.mysqlsts.k3s;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Writes what helps to debug a failed test of a K3S cluster into a directory:
 * <pre>
 * &lt;dir&gt;/pods.txt                      one status line per pod (phase, conditions, container states)
 * &lt;dir&gt;/events.txt                    every event of the namespace, oldest first
 * &lt;dir&gt;/statefulset.yaml              the StatefulSet as the API server has it, status included
 * &lt;dir&gt;/pods/mysql-1.yaml             each pod as the API server has it
 * &lt;dir&gt;/logs/mysql-1.clone-mysql.log  each container's log (init containers included), and
 * &lt;dir&gt;/logs/mysql-1.mysql.previous.log  the previous run's log of a container that restarted
 * </pre>
 */
final class DiagnosticsWriter {

    /** Lines kept of each container's log; enough for a test's life, bounded for a long-running pod. */
    static final int LOG_LINES = 5000;

    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    private final KubernetesClient client;
    private final String namespace;
    private final String statefulSetName;
    private final Map<String, String> podLabels;

    DiagnosticsWriter(KubernetesClient client, String namespace, String statefulSetName, Map<String, String> podLabels) {
        this.client = client;
        this.namespace = namespace;
        this.statefulSetName = statefulSetName;
        this.podLabels = Map.copyOf(podLabels);
    }

    /** The directory for a cluster and a test: {@code <base>/<cluster>/<test>}, names made file-safe. */
    static Path directory(Path base, String clusterName, String testName) {
        return base.resolve(fileSafe(clusterName)).resolve(fileSafe(testName));
    }

    static String fileSafe(String name) {
        String safe = name.replaceAll("[^A-Za-z0-9._-]+", "_").replaceAll("^[._]+", "");
        if (safe.length() > 100) {
            safe = safe.substring(0, 100);
        }
        return safe.isEmpty() ? "unnamed" : safe;
    }

    /** Writes everything into {@code dir} (created if needed) and returns it. */
    Path write(Path dir) {
        try {
            Files.createDirectories(dir.resolve("pods"));
            Files.createDirectories(dir.resolve("logs"));
            PodReports reports = new PodReports(client, namespace);
            List<Pod> pods = client.pods().inNamespace(namespace).withLabels(podLabels).list().getItems().stream()
                    .sorted(Comparator.comparing(p -> p.getMetadata().getName())).toList();

            StringBuilder summary = new StringBuilder("namespace ").append(namespace).append(", StatefulSet ")
                    .append(statefulSetName).append('\n');
            for (Pod pod : pods) {
                summary.append(PodReports.status(pod)).append('\n');
                String name = pod.getMetadata().getName();
                write(dir.resolve("pods").resolve(fileSafe(name) + ".yaml"), SERIALIZATION.asYaml(pod));
                for (String container : PodReports.containerNames(pod)) {
                    String base = fileSafe(name) + "." + fileSafe(container);
                    write(dir.resolve("logs").resolve(base + ".log"), reports.log(pod, container, LOG_LINES, false));
                    if (PodReports.restarts(pod, container) > 0) {
                        write(dir.resolve("logs").resolve(base + ".previous.log"),
                                reports.log(pod, container, LOG_LINES, true));
                    }
                }
            }
            if (pods.isEmpty()) {
                summary.append("(no pods)\n");
            }
            write(dir.resolve("pods.txt"), summary.toString());
            write(dir.resolve("events.txt"), reports.allEvents());
            StatefulSet sts = client.apps().statefulSets().inNamespace(namespace).withName(statefulSetName).get();
            write(dir.resolve("statefulset.yaml"), sts == null ? "# not found\n" : SERIALIZATION.asYaml(sts));
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write diagnostics to " + dir.toAbsolutePath(), e);
        } catch (KubernetesClientException e) {
            throw new K3sBackendException("K3S: cannot read diagnostics of namespace " + namespace + " (written so far: "
                    + dir.toAbsolutePath() + "): " + e.getMessage(), e);
        }
    }

    private static void write(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }
}
