package dev.mysqlsts.k3s;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Plays the StatefulSet controller and the kubelet against a CRUD mock API server, which runs neither:
 * creates the StatefulSet's pods from its template, sets their status, records events and serves logs.
 */
final class FakeKubelet {

    private final KubernetesMockServer server;
    private final KubernetesClient client;
    private final String namespace;
    private final Set<String> served = new HashSet<>();

    FakeKubelet(KubernetesMockServer server, KubernetesClient client, String namespace) {
        this.server = server;
        this.client = client;
        this.namespace = namespace;
    }

    /** Waits until the harness has created the StatefulSet. */
    StatefulSet awaitStatefulSet(String name) {
        return client.apps().statefulSets().inNamespace(namespace).withName(name)
                .waitUntilCondition(Objects::nonNull, 20, TimeUnit.SECONDS);
    }

    /** Creates pod {@code <sts>-<ordinal>} from the StatefulSet's template, Pending, as the controller does. */
    Pod createPod(StatefulSet sts, int ordinal) {
        String name = sts.getMetadata().getName() + "-" + ordinal;
        Pod pod = new PodBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(namespace)
                .withLabels(sts.getSpec().getTemplate().getMetadata().getLabels())
                .addToLabels("statefulset.kubernetes.io/pod-name", name)
                .endMetadata()
                .withSpec(sts.getSpec().getTemplate().getSpec())
                .withStatus(new PodStatusBuilder().withPhase("Pending").build())
                .build();
        return client.pods().inNamespace(namespace).resource(pod).create();
    }

    /**
     * The kubelet found every container running and the readiness probe passing; container ids and the pod's
     * IP reported before ({@link #network}) are kept.
     */
    Pod ready(String podName) {
        Pod pod = get(podName);
        java.util.Map<String, String> ids = new java.util.HashMap<>();
        if (pod.getStatus() != null && pod.getStatus().getContainerStatuses() != null) {
            pod.getStatus().getContainerStatuses().stream().filter(c -> c.getContainerID() != null)
                    .forEach(c -> ids.put(c.getName(), c.getContainerID()));
        }
        String ip = pod.getStatus() == null ? null : pod.getStatus().getPodIP();
        List<ContainerStatus> containers = pod.getSpec().getContainers().stream()
                .map(c -> {
                    ContainerStatus status = running(c.getName(), c.getImage(), true);
                    status.setContainerID(ids.get(c.getName()));
                    return status;
                }).toList();
        List<ContainerStatus> inits = pod.getSpec().getInitContainers().stream()
                .map(c -> completed(c.getName(), c.getImage())).toList();
        Pod updated = setStatus(pod, "Running", List.of(condition("Ready", "True", null, null),
                condition("PodScheduled", "True", null, null)), inits, containers, ip);
        return updated;
    }

    /**
     * What the kubelet reports once the pod's sandbox and containers run: the pod's IP and each container's
     * containerd id ({@code containerd://<id>}); {@code mysqlContainerId} for the container named mysql, the
     * others get {@code <id>-<name>}.
     */
    Pod network(String podName, String podIp, String mysqlContainerId) {
        Pod pod = get(podName);
        pod.getStatus().setPodIP(podIp);
        pod.getStatus().setPodIPs(List.of(new io.fabric8.kubernetes.api.model.PodIP(podIp)));
        for (ContainerStatus status : pod.getStatus().getContainerStatuses()) {
            status.setContainerID("containerd://" + ("mysql".equals(status.getName()) ? mysqlContainerId
                    : mysqlContainerId + "-" + status.getName()));
        }
        return client.pods().inNamespace(namespace).resource(pod).updateStatus();
    }

    /** Containers running, readiness probe failing. */
    Pod runningNotReady(String podName) {
        Pod pod = get(podName);
        List<ContainerStatus> containers = pod.getSpec().getContainers().stream()
                .map(c -> running(c.getName(), c.getImage(), false)).toList();
        List<ContainerStatus> inits = pod.getSpec().getInitContainers().stream()
                .map(c -> completed(c.getName(), c.getImage())).toList();
        return setStatus(pod, "Running", List.of(
                condition("Ready", "False", "ContainersNotReady", "containers with unready status: [mysql]"),
                condition("PodScheduled", "True", null, null)), inits, containers);
    }

    /**
     * The init container {@code failing} exited with an error, restarted once and is now backing off; the
     * init containers before it completed, the app containers wait.
     */
    Pod initContainerCrashLoops(String podName, String failing) {
        return initContainerCrashLoops(podName, failing, 1);
    }

    /** The same after {@code restarts} restarts. */
    Pod initContainerCrashLoops(String podName, String failing, int restarts) {
        Pod pod = get(podName);
        List<ContainerStatus> inits = pod.getSpec().getInitContainers().stream()
                .map(c -> c.getName().equals(failing)
                        ? new ContainerStatusBuilder().withName(c.getName()).withImage(c.getImage()).withReady(false)
                                .withRestartCount(restarts)
                                .withNewState().withNewWaiting().withReason("CrashLoopBackOff")
                                .withMessage("back-off 10s restarting failed container=" + failing)
                                .endWaiting().endState()
                                .withNewLastState().withNewTerminated().withReason("Error").withExitCode(1)
                                .endTerminated().endLastState()
                                .build()
                        : completed(c.getName(), c.getImage()))
                .toList();
        List<ContainerStatus> containers = pod.getSpec().getContainers().stream()
                .map(c -> new ContainerStatusBuilder().withName(c.getName()).withImage(c.getImage()).withReady(false)
                        .withRestartCount(0).withNewState().withNewWaiting().withReason("PodInitializing")
                        .endWaiting().endState().build())
                .toList();
        return setStatus(pod, "Pending", List.of(
                condition("Initialized", "False", "ContainersNotInitialized", "containers with incomplete status: [" + failing + "]"),
                condition("Ready", "False", "ContainersNotReady", null)), inits, containers);
    }

    /**
     * The init container {@code failing} has just exited with {@code exitCode} at its first run (Init:Error, before
     * the kubelet restarts it); the init containers before it completed, the app containers wait.
     */
    Pod initContainerFails(String podName, String failing, int exitCode) {
        Pod pod = get(podName);
        List<ContainerStatus> inits = pod.getSpec().getInitContainers().stream()
                .map(c -> c.getName().equals(failing)
                        ? new ContainerStatusBuilder().withName(c.getName()).withImage(c.getImage()).withReady(false)
                                .withRestartCount(0)
                                .withNewState().withNewTerminated().withReason("Error").withExitCode(exitCode)
                                .endTerminated().endState()
                                .build()
                        : completed(c.getName(), c.getImage()))
                .toList();
        List<ContainerStatus> containers = pod.getSpec().getContainers().stream()
                .map(c -> new ContainerStatusBuilder().withName(c.getName()).withImage(c.getImage()).withReady(false)
                        .withRestartCount(0).withNewState().withNewWaiting().withReason("PodInitializing")
                        .endWaiting().endState().build())
                .toList();
        return setStatus(pod, "Pending", List.of(
                condition("Initialized", "False", "ContainersNotInitialized", "containers with incomplete status: [" + failing + "]"),
                condition("Ready", "False", "ContainersNotReady", null)), inits, containers);
    }

    /** Records an event about the pod, as the kubelet does. */
    void event(String podName, String type, String reason, String message) {
        client.v1().events().inNamespace(namespace).resource(new EventBuilder()
                .withNewMetadata().withName(podName + "." + reason.toLowerCase() + System.nanoTime()).endMetadata()
                .withNewInvolvedObject().withKind("Pod").withName(podName).withNamespace(namespace).endInvolvedObject()
                .withType(type).withReason(reason).withMessage(message)
                .withLastTimestamp("2026-11-23T10:00:0" + (System.nanoTime() % 10) + "Z")
                .build()).create();
    }

    /**
     * Serves a container's log (its last lines, as the harness asks for them) as the kubelet would. The
     * mock answers unknown log requests with a dump of its store, so a test serves every log it causes to be
     * read, with {@link #emptyLogsForTheRest}.
     */
    void log(String podName, String container, String text, boolean previous) {
        served.add(podName + "/" + container + (previous ? "/previous" : ""));
        String base = "/api/v1/namespaces/" + namespace + "/pods/" + podName + "/log?pretty=false&container=" + container
                + (previous ? "&previous=true" : "");
        server.expect().get().withPath(base + "&tailLines=" + PodReports.LOG_TAIL_LINES).andReturn(200, text).always();
        server.expect().get().withPath(base + "&tailLines=" + DiagnosticsWriter.LOG_LINES).andReturn(200, text).always();
    }

    /** Serves an empty log for every container of these pods that has none yet, current and previous runs. */
    void emptyLogsForTheRest(String... podNames) {
        for (String podName : podNames) {
            for (String container : PodReports.containerNames(get(podName))) {
                for (boolean previous : new boolean[] {false, true}) {
                    if (!served.contains(podName + "/" + container + (previous ? "/previous" : ""))) {
                        log(podName, container, "", previous);
                    }
                }
            }
        }
    }

    /** Creates the pods one by one, each Ready before the next exists: what a healthy StatefulSet does. */
    void bringUpInOrder(String statefulSetName) {
        StatefulSet sts = awaitStatefulSet(statefulSetName);
        for (int n = 0; n < sts.getSpec().getReplicas(); n++) {
            createPod(sts, n);
            ready(statefulSetName + "-" + n);
        }
    }

    Pod get(String podName) {
        return client.pods().inNamespace(namespace).withName(podName).get();
    }

    private Pod setStatus(Pod pod, String phase, List<PodCondition> conditions, List<ContainerStatus> inits,
                          List<ContainerStatus> containers) {
        return setStatus(pod, phase, conditions, inits, containers, null);
    }

    private Pod setStatus(Pod pod, String phase, List<PodCondition> conditions, List<ContainerStatus> inits,
                          List<ContainerStatus> containers, String podIp) {
        pod.setStatus(new PodStatusBuilder().withPhase(phase).withConditions(conditions)
                .withInitContainerStatuses(inits).withContainerStatuses(containers).build());
        if (podIp != null) {
            pod.getStatus().setPodIP(podIp);
            pod.getStatus().setPodIPs(List.of(new io.fabric8.kubernetes.api.model.PodIP(podIp)));
        }
        return client.pods().inNamespace(namespace).resource(pod).updateStatus();
    }

    private static PodCondition condition(String type, String status, String reason, String message) {
        return new PodConditionBuilder().withType(type).withStatus(status).withReason(reason).withMessage(message).build();
    }

    private static ContainerStatus running(String name, String image, boolean ready) {
        return new ContainerStatusBuilder().withName(name).withImage(image).withReady(ready).withRestartCount(0)
                .withNewState().withNewRunning().withStartedAt("2026-11-23T10:00:00Z").endRunning().endState().build();
    }

    private static ContainerStatus completed(String name, String image) {
        return new ContainerStatusBuilder().withName(name).withImage(image).withReady(false).withRestartCount(0)
                .withNewState().withNewTerminated().withReason("Completed").withExitCode(0).endTerminated().endState()
                .build();
    }
}
