package dev.mysqlsts.k3s;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodIP;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import io.fabric8.kubernetes.client.KubernetesClientTimeoutException;

/**
 * Finds the pods' mysql containers: their containerd ids and restart counts as the kubelet reports them
 * ({@code status.containerStatuses}), and the node's pid of each container's first process
 * ({@code ctr task ls}).
 */
final class ContainerTasks {

    private final NodeCommands commands;
    private final KubernetesClient client;
    private final String namespace;
    private final String mysqlContainer;

    /** What identifies one run of a container: a restart gives a new id and a higher count. */
    record Run(String containerId, int restartCount, boolean running) {
    }

    ContainerTasks(NodeCommands commands, KubernetesClient client, String namespace, String mysqlContainer) {
        this.commands = commands;
        this.client = client;
        this.namespace = namespace;
        this.mysqlContainer = mysqlContainer;
    }

    String mysqlContainer() {
        return mysqlContainer;
    }

    Pod pod(int ordinal) {
        Pod pod = client.pods().inNamespace(namespace).withName(commands.spec().podName(ordinal)).get();
        if (pod == null) {
            throw new K3sBackendException("K3S " + commands.clusterName() + ": pod " + commands.spec().podName(ordinal)
                    + " does not exist in namespace " + namespace);
        }
        return pod;
    }

    boolean exists(int ordinal) {
        return client.pods().inNamespace(namespace).withName(commands.spec().podName(ordinal)).get() != null;
    }

    /** containerd's id of the pod's running mysql container. */
    String containerId(Pod pod) {
        return runningContainerId(pod).orElseThrow(() -> new K3sBackendException("K3S " + commands.clusterName()
                + ": pod " + pod.getMetadata().getName() + " has no running container " + mysqlContainer + " ("
                + PodReports.status(pod) + ")"));
    }

    Optional<String> runningContainerId(Pod pod) {
        return mysqlStatus(pod)
                .filter(s -> s.getState() != null && s.getState().getRunning() != null)
                .map(ContainerStatus::getContainerID)
                .filter(id -> id != null && !id.isBlank())
                .map(ContainerTasks::stripRuntime);
    }

    /** The mysql container's run as the kubelet last reported it. */
    Run run(Pod pod) {
        Optional<ContainerStatus> status = mysqlStatus(pod);
        return new Run(status.map(ContainerStatus::getContainerID).map(ContainerTasks::stripRuntime).orElse(""),
                status.map(ContainerStatus::getRestartCount).orElse(0),
                status.map(s -> s.getState() != null && s.getState().getRunning() != null).orElse(false));
    }

    /**
     * Waits until the kubelet has reported that the run {@code before} ended: a new container id, a higher
     * restart count, or the container not running. The kubelet notices a dead container at its next relist
     * (PLEG, every second: kubernetes {@code pkg/kubelet/pleg/generic.go}); until then the pod's status still
     * says Running and Ready.
     */
    void awaitEnd(int ordinal, Run before, Duration timeout, String fault) {
        String name = commands.spec().podName(ordinal);
        try {
            client.pods().inNamespace(namespace).withName(name).waitUntilCondition(pod -> {
                if (pod == null) {
                    return true; // deleted: that run is over too
                }
                Run now = run(pod);
                return !now.containerId().equals(before.containerId()) || now.restartCount() > before.restartCount()
                        || !now.running();
            }, timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (KubernetesClientTimeoutException e) {
            throw new K3sBackendException("K3S " + commands.clusterName() + ": faults." + fault + "(" + ordinal
                    + "): the kubelet did not report the end of container " + mysqlContainer + " ("
                    + shortId(before.containerId()) + ", restart count " + before.restartCount() + ") of pod " + name
                    + " within " + timeout + "; now: " + PodReports.status(pod(ordinal)));
        }
    }

    private Optional<ContainerStatus> mysqlStatus(Pod pod) {
        if (pod.getStatus() == null) {
            return Optional.empty();
        }
        return PodReports.list(pod.getStatus().getContainerStatuses()).stream()
                .filter(s -> mysqlContainer.equals(s.getName()))
                .findFirst();
    }

    /** containerd's tasks on the node: container id to the pid of its first process, as the node sees it. */
    Map<String, String> taskPids() {
        List<String> command = NodeCommands.ctr("task", "ls");
        CommandResult result = commands.run("task lookup", command);
        if (!result.succeeded()) {
            throw new K3sBackendException("K3S " + commands.clusterName() + ": cannot list containerd's tasks on the"
                    + " node: `" + String.join(" ", command) + "` failed (exit code " + result.exitCode() + "): "
                    + result.output());
        }
        Map<String, String> pids = new LinkedHashMap<>();
        for (String line : result.stdout().split("\\R")) {
            String[] columns = line.strip().split("\\s+");
            if (columns.length >= 2 && !"TASK".equals(columns[0]) && columns[1].matches("\\d+")) {
                pids.put(columns[0], columns[1]);
            }
        }
        return pids;
    }

    String pid(int ordinal, Map<String, String> tasks) {
        String id = containerId(pod(ordinal));
        String pid = tasks.get(id);
        if (pid == null || "0".equals(pid)) {
            throw new K3sBackendException("K3S " + commands.clusterName() + ": containerd on the node has no running"
                    + " task for container " + mysqlContainer + " (" + shortId(id) + ") of pod "
                    + commands.spec().podName(ordinal) + "; it may be restarting");
        }
        return pid;
    }

    Optional<String> pidIfRunning(int ordinal, Map<String, String> tasks) {
        Pod pod = client.pods().inNamespace(namespace).withName(commands.spec().podName(ordinal)).get();
        return Optional.ofNullable(pod).flatMap(this::runningContainerId).map(tasks::get)
                .filter(pid -> !"0".equals(pid));
    }

    static List<String> podIps(Pod pod) {
        if (pod.getStatus() == null) {
            return List.of();
        }
        List<String> ips = PodReports.list(pod.getStatus().getPodIPs()).stream().map(PodIP::getIp)
                .filter(Objects::nonNull).distinct().toList();
        if (!ips.isEmpty()) {
            return ips;
        }
        return pod.getStatus().getPodIP() == null ? List.of() : List.of(pod.getStatus().getPodIP());
    }

    /** {@code containerd://3f2a...} to {@code 3f2a...}. */
    static String stripRuntime(String containerId) {
        int scheme = containerId.indexOf("://");
        return scheme < 0 ? containerId : containerId.substring(scheme + 3);
    }

    static String shortId(String id) {
        return id.length() > 12 ? id.substring(0, 12) : id;
    }
}
