package dev.mysqlsts.k3s;

import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * Waits, from an informer on the StatefulSet's pods, until pods {@code 0..replicas-1} are Ready, and checks
 * on the way what the StatefulSet promises: pod N+1 is created only once pod N is Ready. It fails at once,
 * not at the timeout, when a container or init container of a pod cannot start (CrashLoopBackOff,
 * ImagePullBackOff, ErrImagePull, Error, ...): the message's first line names the pod, the container and, for a
 * crash, its exit code; the last {@value #CRASH_TAIL_LINES} lines of that container's log follow ("hostname: command
 * not found"), then the pod's status, its events and the last {@value PodReports#LOG_TAIL_LINES} lines of each
 * container's log. On timeout it lists the pods and
 * their conditions.
 *
 * <pre>{@code
 * try (ReadinessWaiter.Watch watch = waiter.watch(3, true)) {   // before the StatefulSet exists
 *     client.resource(statefulSet).create();
 *     watch.await(Duration.ofMinutes(10), "mysqlsts.k3s.startupTimeout");
 * }
 * }</pre>
 */
final class ReadinessWaiter {

    /** Waiting reasons that no amount of waiting cures. */
    private static final Set<String> IMAGE_OR_CONFIG_FAILURES = Set.of(
            "ImagePullBackOff", "ErrImagePull", "InvalidImageName", "ErrImageNeverPull", "CreateContainerConfigError");
    /** States of a container that crashed; fatal once it restarted {@code toleratedRestarts} times. */
    /** Lines of a crashed container's own log put right under the message's first line. */
    private static final int CRASH_TAIL_LINES = 10;
    private static final Set<String> CRASHES = Set.of(
            "CrashLoopBackOff", "Error", "OOMKilled", "RunContainerError", "CreateContainerError");

    private final KubernetesClient client;
    private final String namespace;
    private final String statefulSetName;
    private final Map<String, String> podLabels;
    private final int toleratedRestarts;
    private final Pattern podName;

    /**
     * @param podLabels         the StatefulSet's selector ({@code spec.selector.matchLabels})
     * @param toleratedRestarts how often a container may crash before the wait fails
     */
    ReadinessWaiter(KubernetesClient client, String namespace, String statefulSetName, Map<String, String> podLabels,
                    int toleratedRestarts) {
        this.client = client;
        this.namespace = namespace;
        this.statefulSetName = statefulSetName;
        this.podLabels = Map.copyOf(podLabels);
        this.toleratedRestarts = toleratedRestarts;
        this.podName = Pattern.compile(Pattern.quote(statefulSetName) + "-(\\d+)");
    }

    /** For {@link #watch}: check the creation order of no pod. */
    static final int NO_ORDER_CHECK = Integer.MAX_VALUE;

    /**
     * Starts watching the pods, to wait until pods 0 to replicas - 1 are Ready. Call it before creating (or
     * scaling) the StatefulSet when the order is to be verified, so no pod creation goes unseen.
     *
     * @param replicas        the pods to wait for: ordinals 0 to replicas - 1
     * @param verifyOrderFrom the first ordinal whose creation must find its predecessor Ready (1 for a new
     *                        StatefulSet, the old size when scaling up), or {@link #NO_ORDER_CHECK}
     */
    Watch watch(int replicas, int verifyOrderFrom) {
        return new Watch(replicas, verifyOrderFrom, false, true);
    }

    /**
     * Like {@link #watch}, without order check, for pods that may have been crashed on purpose (a fault): a
     * crashing container is left to the kubelet's restarts; only image and config errors fail at once.
     */
    Watch watchRecovery(int replicas) {
        return new Watch(replicas, NO_ORDER_CHECK, false, false);
    }

    /**
     * Starts watching the pods, to wait until every pod from ordinal {@code replicas} up is gone, checking
     * that they go highest ordinal first (each only once the one above it is gone), as a StatefulSet scales
     * down (unless {@code verifyOrder} is false: {@code podManagementPolicy: Parallel}). Call it before
     * lowering {@code spec.replicas}.
     */
    Watch watchRemoval(int replicas, boolean verifyOrder) {
        return new Watch(replicas, verifyOrder ? 0 : NO_ORDER_CHECK, true, false);
    }

    /** One wait: the informer and what it has seen. */
    final class Watch implements AutoCloseable {

        private final int replicas;
        private final int verifyOrderFrom;
        private final boolean removal;
        private final boolean crashesAreFatal;
        private final Map<Integer, Pod> pods = new TreeMap<>();
        private final CompletableFuture<Void> outcome = new CompletableFuture<>();
        private final SharedIndexInformer<Pod> informer;
        /** Set once the informer's initial list is in {@link #pods}; no verdict on a partial list before. */
        private boolean started;

        private Watch(int replicas, int verifyOrderFrom, boolean removal, boolean crashesAreFatal) {
            this.replicas = replicas;
            this.verifyOrderFrom = verifyOrderFrom;
            this.removal = removal;
            this.crashesAreFatal = crashesAreFatal;
            this.informer = client.pods().inNamespace(namespace).withLabels(podLabels)
                    .inform(new ResourceEventHandler<>() {
                        @Override
                        public void onAdd(Pod pod) {
                            seen(pod, true);
                        }

                        @Override
                        public void onUpdate(Pod oldPod, Pod newPod) {
                            seen(newPod, false);
                        }

                        @Override
                        public void onDelete(Pod pod, boolean deletedFinalStateUnknown) {
                            gone(pod);
                        }
                    }, 0);
            informer.stopped().whenComplete((ignored, error) -> {
                if (error != null) {
                    outcome.completeExceptionally(new K3sBackendException("K3S: the watch on the pods of StatefulSet "
                            + statefulSetName + " in namespace " + namespace + " stopped: " + error.getMessage(), error));
                }
            });
            // the informer has listed the pods, but may not have told the handler yet
            synchronized (this) {
                for (Pod pod : informer.getStore().list()) {
                    ordinal(pod).ifPresent(n -> pods.putIfAbsent(n, pod));
                }
                started = true;
                evaluate();
            }
        }

        private synchronized void seen(Pod pod, boolean added) {
            Optional<Integer> ordinal = ordinal(pod);
            if (ordinal.isEmpty() || outcome.isDone()) {
                return;
            }
            int n = ordinal.get();
            if (!removal && added && n > 0 && n >= verifyOrderFrom) {
                Pod previous = pods.get(n - 1);
                if (previous == null || !isReady(previous)) {
                    outcome.completeExceptionally(new OrderViolation(pod, n, previous));
                    return;
                }
            }
            if (checksRemovalOrder() && n >= replicas && pod.getMetadata().getDeletionTimestamp() != null) {
                Pod known = pods.get(n);
                if (known == null || known.getMetadata().getDeletionTimestamp() == null) {
                    checkRemovalOrder(pod, n);
                }
            }
            pods.put(n, pod);
            if (started) {
                evaluate();
            }
        }

        private boolean checksRemovalOrder() {
            return removal && verifyOrderFrom != NO_ORDER_CHECK;
        }

        /** Pod n starts to go: every pod above it must be gone already. */
        private void checkRemovalOrder(Pod pod, int n) {
            pods.keySet().stream().filter(higher -> higher > n).findFirst().ifPresent(higher ->
                    outcome.completeExceptionally(new K3sBackendException("K3S: pod " + pod.getMetadata().getName()
                            + " was deleted while " + statefulSetName + "-" + higher + " still existed ("
                            + PodReports.status(pods.get(higher)) + "). StatefulSet " + statefulSetName
                            + " in namespace " + namespace + " must remove its pods highest ordinal first, each once"
                            + " the one above it is gone.")));
        }

        private synchronized void gone(Pod pod) {
            ordinal(pod).ifPresent(n -> {
                Pod known = pods.get(n);
                if (known != null && Objects.equals(known.getMetadata().getUid(), pod.getMetadata().getUid())) {
                    if (checksRemovalOrder() && n >= replicas && known.getMetadata().getDeletionTimestamp() == null) {
                        checkRemovalOrder(pod, n);
                    }
                    pods.remove(n);
                }
            });
            if (started && !outcome.isDone()) {
                evaluate();
            }
        }

        private void evaluate() {
            if (removal) {
                if (pods.keySet().stream().noneMatch(n -> n >= replicas)) {
                    outcome.complete(null);
                }
                return;
            }
            for (Pod pod : pods.values()) {
                Optional<Problem> problem = fatalProblem(pod, crashesAreFatal);
                if (problem.isPresent()) {
                    outcome.completeExceptionally(new PodFailure(pod, problem.get()));
                    return;
                }
            }
            boolean allReady = IntStream.range(0, replicas).allMatch(n -> pods.containsKey(n) && isReady(pods.get(n)));
            if (allReady) {
                outcome.complete(null);
            }
        }

        /**
         * Returns once pods 0 to replicas - 1 are Ready (or, for a removal, once the pods above are gone).
         *
         * @param timeout     how long to wait
         * @param timeoutHint what sets the timeout, for the message (a property name)
         * @throws K3sBackendException naming the pod that failed, the order violated, or the pods not Ready
         */
        void await(Duration timeout, String timeoutHint) {
            try {
                outcome.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                throw new K3sBackendException(timeoutMessage(timeout, timeoutHint));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new K3sBackendException("K3S: interrupted while waiting for the pods of StatefulSet "
                        + statefulSetName + " to become Ready", e);
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof PodFailure failure) {
                    throw new K3sBackendException(failureMessage(failure));
                }
                if (cause instanceof OrderViolation violation) {
                    throw new K3sBackendException(violation.message());
                }
                if (cause instanceof RuntimeException runtime) {
                    throw runtime;
                }
                throw new K3sBackendException("K3S: waiting for the pods failed: " + cause, cause);
            }
        }

        private String timeoutMessage(Duration timeout, String timeoutHint) {
            TreeMap<Integer, Pod> snapshot;
            synchronized (this) {
                snapshot = new TreeMap<>(pods);
            }
            StringBuilder text = new StringBuilder("K3S: StatefulSet ").append(statefulSetName)
                    .append(" in namespace ").append(namespace).append(": ")
                    .append(removal ? "pods from ordinal " + replicas + " up not gone" : "not all " + replicas + " pods Ready")
                    .append(" after ").append(timeout).append(" (").append(timeoutHint)
                    .append(" sets this timeout).\nPods and their conditions:\n");
            int last = Math.max(replicas, snapshot.isEmpty() ? 0 : snapshot.lastKey() + 1);
            for (int n = 0; n < last; n++) {
                Pod pod = snapshot.get(n);
                text.append("  ").append(pod == null ? statefulSetName + "-" + n + (n < replicas ? ": not created yet" : ": gone")
                        : PodReports.status(pod)).append('\n');
            }
            text.append(statefulSetStatus());
            text.append(warnings());
            return text.toString();
        }

        @Override
        public void close() {
            informer.close();
        }
    }

    private String statefulSetStatus() {
        try {
            StatefulSet sts = client.apps().statefulSets().inNamespace(namespace).withName(statefulSetName).get();
            if (sts == null) {
                return "StatefulSet " + statefulSetName + ": not found\n";
            }
            if (sts.getStatus() == null) {
                return "StatefulSet " + statefulSetName + ": no status yet\n";
            }
            return "StatefulSet " + statefulSetName + ": " + Objects.requireNonNullElse(sts.getStatus().getReadyReplicas(), 0)
                    + " of " + sts.getSpec().getReplicas() + " replicas ready\n";
        } catch (KubernetesClientException e) {
            return "StatefulSet " + statefulSetName + ": status unavailable (" + e.getMessage() + ")\n";
        }
    }

    private String warnings() {
        try {
            List<Event> warnings = client.v1().events().inNamespace(namespace).list().getItems().stream()
                    .filter(e -> "Warning".equals(e.getType())).toList();
            if (warnings.isEmpty()) {
                return "";
            }
            return warnings.stream().skip(Math.max(0, warnings.size() - 20))
                    .map(e -> "  " + e.getInvolvedObject().getKind() + "/" + e.getInvolvedObject().getName() + " "
                            + e.getReason() + ": " + e.getMessage())
                    .collect(Collectors.joining("\n", "Warning events in the namespace:\n", "\n"));
        } catch (KubernetesClientException e) {
            return "";
        }
    }

    private String failureMessage(PodFailure failure) {
        String name = failure.pod.getMetadata().getName();
        PodReports reports = new PodReports(client, namespace);
        Pod latest = Optional.ofNullable(client.pods().inNamespace(namespace).withName(name).get()).orElse(failure.pod);
        Problem problem = failure.problem;
        return "K3S: pod " + name + " (StatefulSet " + statefulSetName + ", namespace " + namespace
                + ") cannot become Ready: " + problem.text() + "\n"
                + (problem.exitCode() == null ? "" : "Last lines of " + problem.container() + "'s log:\n"
                        + lastLines(reports.log(latest, problem.container(), PodReports.LOG_TAIL_LINES,
                                problem.previousRun()), CRASH_TAIL_LINES).indent(2))
                + "Status: " + PodReports.status(latest) + "\n"
                + "Events of " + name + ":\n" + reports.events(name)
                + "Logs (last " + PodReports.LOG_TAIL_LINES + " lines of each container):\n"
                + reports.logs(latest, PodReports.LOG_TAIL_LINES);
    }

    private static String lastLines(String log, int lines) {
        List<String> all = log.lines().toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size())) + "\n";
    }

    /**
     * Why a pod will not become Ready, naming the container; for a crash, its exit code and whether its log is that
     * of the previous run (the container waits to restart) or of the current one (it has just terminated).
     */
    private record Problem(String text, String container, Integer exitCode, boolean previousRun) {}

    /** Why the pod will not become Ready without someone's help, if that is so. */
    private Optional<Problem> fatalProblem(Pod pod, boolean crashesAreFatal) {
        if (pod.getStatus() == null || pod.getMetadata().getDeletionTimestamp() != null) {
            return Optional.empty();
        }
        return Stream.concat(
                        PodReports.list(pod.getStatus().getInitContainerStatuses()).stream()
                                .map(s -> problem("init container ", s, crashesAreFatal)),
                        PodReports.list(pod.getStatus().getContainerStatuses()).stream()
                                .map(s -> problem("container ", s, crashesAreFatal)))
                .flatMap(Optional::stream)
                .findFirst();
    }

    private Optional<Problem> problem(String what, ContainerStatus status, boolean crashesAreFatal) {
        if (status.getState() == null) {
            return Optional.empty();
        }
        String reason = status.getState().getWaiting() != null ? status.getState().getWaiting().getReason()
                : status.getState().getTerminated() != null ? status.getState().getTerminated().getReason()
                : null;
        if (reason == null) {
            return Optional.empty();
        }
        int restarts = Objects.requireNonNullElse(status.getRestartCount(), 0);
        boolean fatal = IMAGE_OR_CONFIG_FAILURES.contains(reason)
                || (crashesAreFatal && CRASHES.contains(reason) && restarts >= toleratedRestarts);
        if (!fatal) {
            return Optional.empty();
        }
        boolean previousRun = status.getState().getTerminated() == null;
        ContainerStateTerminated exit = previousRun
                ? status.getLastState() == null ? null : status.getLastState().getTerminated()
                : status.getState().getTerminated();
        Integer exitCode = exit == null ? null : exit.getExitCode();
        return Optional.of(new Problem(what + status.getName() + " is " + PodReports.state(status.getState())
                + (exitCode == null || !previousRun ? "" : " after exiting with code " + exitCode)
                + " (image " + status.getImage() + ", restarts " + restarts + ")"
                + (CRASHES.contains(reason) && restarts > 0 ? ": a crash loop, not a transient failure: it crashed "
                        + (restarts + 1) + " times, the kubelet restarting it in between (" + K3sSettings.TOLERATED_RESTARTS
                        + "=" + toleratedRestarts + ")" : ""),
                status.getName(), exitCode, previousRun));
    }

    private Optional<Integer> ordinal(Pod pod) {
        Matcher m = podName.matcher(pod.getMetadata().getName());
        return m.matches() ? Optional.of(Integer.parseInt(m.group(1))) : Optional.empty();
    }

    static boolean isReady(Pod pod) {
        return pod.getMetadata().getDeletionTimestamp() == null && pod.getStatus() != null
                && PodReports.list(pod.getStatus().getConditions()).stream()
                        .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    /** A pod that will not become Ready. */
    private static final class PodFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient Pod pod;
        private final transient Problem problem;

        PodFailure(Pod pod, Problem problem) {
            super(problem.text(), null, false, false);
            this.pod = pod;
            this.problem = problem;
        }
    }

    /** A pod created before its predecessor was Ready. */
    private final class OrderViolation extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient Pod pod;
        private final int ordinal;
        private final transient Pod previous;

        OrderViolation(Pod pod, int ordinal, Pod previous) {
            super(null, null, false, false);
            this.pod = pod;
            this.ordinal = ordinal;
            this.previous = previous;
        }

        String message() {
            String name = pod.getMetadata().getName();
            String before = statefulSetName + "-" + (ordinal - 1);
            return "K3S: pod " + name + " was created before " + before + " was Ready ("
                    + (previous == null ? before + " did not exist" : PodReports.status(previous))
                    + "). StatefulSet " + statefulSetName + " in namespace " + namespace
                    + " must start its pods in order, each once the previous one is Ready "
                    + "(podManagementPolicy OrderedReady); a follower cloned from a peer that is not Ready gets no data.";
        }
    }
}
