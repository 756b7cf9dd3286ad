package dev.mysqlsts.k3s;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.PodResource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Text about pods, for failure messages and diagnostics: a one-line status with conditions and container
 * states, the pod's events, and the tail of every container's log (init containers included).
 */
final class PodReports {

    /** Lines of each container's log that a failure message carries. */
    static final int LOG_TAIL_LINES = 50;

    private final KubernetesClient client;
    private final String namespace;

    PodReports(KubernetesClient client, String namespace) {
        this.client = client;
        this.namespace = namespace;
    }

    /** {@code mysql-0: Running; Ready=False (ContainersNotReady: ...), ...; init container ...: terminated ...}. */
    static String status(Pod pod) {
        StringBuilder line = new StringBuilder(pod.getMetadata().getName()).append(": ");
        if (pod.getMetadata().getDeletionTimestamp() != null) {
            line.append("terminating; ");
        }
        if (pod.getStatus() == null) {
            return line.append("no status yet").toString();
        }
        line.append(Objects.requireNonNullElse(pod.getStatus().getPhase(), "no phase"));
        List<PodCondition> conditions = list(pod.getStatus().getConditions());
        if (!conditions.isEmpty()) {
            line.append("; conditions ").append(conditions.stream().map(PodReports::condition)
                    .collect(Collectors.joining(", ")));
        }
        for (ContainerStatus status : list(pod.getStatus().getInitContainerStatuses())) {
            line.append("; init container ").append(container(status));
        }
        for (ContainerStatus status : list(pod.getStatus().getContainerStatuses())) {
            line.append("; container ").append(container(status));
        }
        return line.toString();
    }

    private static String condition(PodCondition condition) {
        String text = condition.getType() + "=" + condition.getStatus();
        String why = Stream.of(condition.getReason(), condition.getMessage()).filter(Objects::nonNull)
                .collect(Collectors.joining(": "));
        return why.isEmpty() ? text : text + " (" + why + ")";
    }

    private static String container(ContainerStatus status) {
        return status.getName() + " " + state(status.getState())
                + (Boolean.TRUE.equals(status.getReady()) ? ", ready" : "")
                + ", restarts " + Objects.requireNonNullElse(status.getRestartCount(), 0)
                + (status.getLastState() != null && status.getLastState().getTerminated() != null
                        ? ", last " + state(status.getLastState()) : "");
    }

    static String state(ContainerState state) {
        if (state == null) {
            return "unknown";
        }
        if (state.getWaiting() != null) {
            return "waiting " + Objects.requireNonNullElse(state.getWaiting().getReason(), "")
                    + (state.getWaiting().getMessage() == null ? "" : " (" + state.getWaiting().getMessage() + ")");
        }
        if (state.getTerminated() != null) {
            return "terminated " + Objects.requireNonNullElse(state.getTerminated().getReason(), "")
                    + " exit code " + state.getTerminated().getExitCode()
                    + (state.getTerminated().getMessage() == null ? "" : " (" + state.getTerminated().getMessage() + ")");
        }
        return state.getRunning() != null ? "running" : "unknown";
    }

    /** The namespace's events about this pod, oldest first, one per line. */
    String events(String podName) {
        List<Event> events = client.v1().events().inNamespace(namespace).list().getItems().stream()
                .filter(e -> e.getInvolvedObject() != null && podName.equals(e.getInvolvedObject().getName())
                        && (e.getInvolvedObject().getKind() == null || "Pod".equals(e.getInvolvedObject().getKind())))
                .sorted(Comparator.comparing(PodReports::when))
                .toList();
        if (events.isEmpty()) {
            return "  (no events)\n";
        }
        return events.stream().map(PodReports::event).collect(Collectors.joining("\n", "", "\n"));
    }

    /** Every event of the namespace, oldest first. */
    String allEvents() {
        List<Event> events = client.v1().events().inNamespace(namespace).list().getItems().stream()
                .sorted(Comparator.comparing(PodReports::when)).toList();
        return events.stream().map(e -> event(e) + "  [" + e.getInvolvedObject().getKind() + "/"
                + e.getInvolvedObject().getName() + "]").collect(Collectors.joining("\n", "", "\n"));
    }

    private static String event(Event e) {
        return "  " + when(e) + " " + e.getType() + " " + e.getReason() + ": " + e.getMessage()
                + (e.getCount() != null && e.getCount() > 1 ? " (x" + e.getCount() + ")" : "");
    }

    private static String when(Event e) {
        String time = e.getLastTimestamp() != null ? e.getLastTimestamp()
                : e.getEventTime() != null ? e.getEventTime().getTime()
                : e.getFirstTimestamp() != null ? e.getFirstTimestamp()
                : e.getMetadata().getCreationTimestamp();
        return Objects.requireNonNullElse(time, "");
    }

    /** The containers of the pod, init containers first, in the order the kubelet runs them. */
    static List<String> containerNames(Pod pod) {
        List<String> names = new ArrayList<>();
        if (pod.getSpec() != null) {
            list(pod.getSpec().getInitContainers()).stream().map(Container::getName).forEach(names::add);
            list(pod.getSpec().getContainers()).stream().map(Container::getName).forEach(names::add);
        }
        return names;
    }

    /**
     * The last {@code lines} lines of each container's log, and of its previous run when it restarted, each
     * under a heading {@code --- mysql-1/clone-mysql ---}.
     */
    String logs(Pod pod, int lines) {
        StringBuilder text = new StringBuilder();
        for (String container : containerNames(pod)) {
            text.append("--- ").append(pod.getMetadata().getName()).append('/').append(container);
            if (restarts(pod, container) > 0) {
                text.append(" (previous run) ---\n").append(log(pod, container, lines, true));
                text.append("--- ").append(pod.getMetadata().getName()).append('/').append(container);
            }
            text.append(" ---\n").append(log(pod, container, lines, false));
        }
        return text.toString();
    }

    /** A container's log (its last {@code lines} lines, or all when {@code lines <= 0}), or why there is none. */
    String log(Pod pod, String container, int lines, boolean previous) {
        try {
            PodResource resource = client.pods().inNamespace(namespace).withName(pod.getMetadata().getName());
            String log;
            if (previous) {
                log = lines > 0 ? resource.inContainer(container).terminated().tailingLines(lines).getLog()
                        : resource.inContainer(container).terminated().getLog();
            } else {
                log = lines > 0 ? resource.inContainer(container).tailingLines(lines).getLog()
                        : resource.inContainer(container).getLog();
            }
            if (log == null || log.isEmpty()) {
                return "(empty)\n";
            }
            return log.endsWith("\n") ? log : log + "\n";
        } catch (KubernetesClientException e) {
            return "(no log: " + firstLine(e.getMessage()) + ")\n";
        }
    }

    static int restarts(Pod pod, String container) {
        if (pod.getStatus() == null) {
            return 0;
        }
        return Stream.concat(list(pod.getStatus().getInitContainerStatuses()).stream(),
                        list(pod.getStatus().getContainerStatuses()).stream())
                .filter(s -> container.equals(s.getName()))
                .mapToInt(s -> Objects.requireNonNullElse(s.getRestartCount(), 0))
                .findFirst().orElse(0);
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unknown error";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    static <T> List<T> list(List<T> list) {
        return list == null ? List.of() : list;
    }
}
