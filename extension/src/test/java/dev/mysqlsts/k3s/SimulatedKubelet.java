package dev.mysqlsts.k3s;

import dev.mysqlsts.manifest.ClusterSpec;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A kubelet, containerd and the mysql containers of pods mysql-0..n, simulated on a virtual clock, as far as the
 * K3S faults depend on them. It is the node ({@link NodeShell}: {@code ctr} and {@code nsenter}) and the API
 * server's exec ({@link ContainerShell}), and it writes pod status to the mock API server as the kubelet does.
 * Time moves only when the test calls {@link #advance(int)}, so outcomes never depend on the machine's speed.
 *
 * <p>What the real ones do, and this does too (sources named where each rule is applied):
 * <ul>
 *   <li>an exec probe whose command cannot start is Unknown, and an Unknown result is thrown away: Ready does
 *       not change (kubernetes {@code pkg/probe/exec/exec.go}, {@code pkg/kubelet/prober/worker.go});</li>
 *   <li>a paused containerd task refuses exec: the probes cannot start, so are discarded as above (containerd
 *       {@code cmd/containerd-shim-runc-v2/process/init_state.go}: "cannot exec in a paused state");</li>
 *   <li>an exec probe into a SIGSTOPped server starts but never ends: it fails once its {@code timeoutSeconds}
 *       have passed (exec probe timeouts: {@code pkg/probe/exec/exec.go}); the prober's worker waits for it, so
 *       the probe's next run is at the first period tick after that; if the server is thawed meanwhile, mysqld
 *       answers and the probe succeeds;</li>
 *   <li>readiness turns False after {@code failureThreshold} failures in a row, True after one success;
 *       liveness failures {@code failureThreshold} times in a row kill the container: SIGTERM, then SIGKILL once
 *       the pod's {@code terminationGracePeriodSeconds} (30 s by default) have passed
 *       ({@code pkg/kubelet/kuberuntime/kuberuntime_container.go} killContainer); a stopped server takes no
 *       SIGTERM until it is thawed, when it shuts down;</li>
 *   <li>a dead container is noticed at the next relist (once a second: {@code pkg/kubelet/pleg/generic.go});
 *       until then the pod's status still says Running and Ready;</li>
 *   <li>a crashed container restarts at once the first time, then after 10, 20, 40 s... (doubling, 300 s at
 *       most: {@code pkg/kubelet/kuberuntime/kuberuntime_manager.go} doBackOff); each restart is a new container
 *       (new id, new pid, the image's files: a stub put at the probe's path is gone), restart count + 1.</li>
 * </ul>
 */
final class SimulatedKubelet implements NodeShell, ContainerShell {

    enum Process { RUNNING, STOPPED, DEAD, WAITING }

    enum ProbeFile { ORIGINAL, MISSING, STUB }

    /** One pod's mysql container as the node sees it. */
    static final class Container {
        final int ordinal;
        String id;
        int pid;
        int restarts;
        Process process = Process.RUNNING;
        boolean taskPaused;
        ProbeFile probe = ProbeFile.ORIGINAL;
        boolean ready = true;
        int readinessFailures;
        int livenessFailures;
        /** When a probe that ran into a stopped server fails (its timeout), or -1. */
        long readinessResultAt = -1;
        long livenessResultAt = -1;
        /** When the kubelet's SIGKILL ends a container it decided to kill (the grace period), or -1. */
        long killAt = -1;
        int sinceStart;
        long diedAt = -1;
        long restartAt = -1;
        int backOff;
        boolean reported = true;
        final List<Long> startedAt = new ArrayList<>();

        Container(int ordinal) {
            this.ordinal = ordinal;
            this.id = "c0de0" + ordinal;
            this.pid = 1000 + ordinal;
        }
    }

    private final KubernetesClient client;
    private final String namespace;
    private final ClusterSpec spec;
    private final Map<Integer, Container> containers = new TreeMap<>();
    private final List<String> commands = new ArrayList<>();
    private long now;

    SimulatedKubelet(KubernetesClient client, String namespace, ClusterSpec spec, int pods) {
        this.client = client;
        this.namespace = namespace;
        this.spec = spec;
        for (int n = 0; n < pods; n++) {
            Container c = new Container(n);
            c.startedAt.add(0L);
            containers.put(n, c);
            writeStatus(c);
        }
    }

    Container container(int ordinal) {
        return containers.get(ordinal);
    }

    long now() {
        return now;
    }

    /** Lets {@code seconds} pass: each second a relist, restarts that are due, and the probes that are due. */
    synchronized void advance(int seconds) {
        for (int i = 0; i < seconds; i++) {
            now++;
            for (Container c : containers.values()) {
                relist(c);
                restartIfDue(c);
                terminateIfDue(c);
                probe(c);
            }
        }
    }

    private void relist(Container c) {
        if (c.process == Process.DEAD && !c.reported) {
            c.reported = true;
            c.ready = false;
            // first crash: no back-off entry yet, so the restart is at once; then 10 s, doubling, at most 300 s
            c.restartAt = c.backOff == 0 ? now : now + c.backOff;
            c.backOff = c.backOff == 0 ? 10 : Math.min(300, c.backOff * 2);
            c.process = c.restartAt == now ? Process.DEAD : Process.WAITING;
            writeStatus(c);
        }
    }

    private void restartIfDue(Container c) {
        if ((c.process == Process.DEAD || c.process == Process.WAITING) && c.reported && now >= c.restartAt) {
            c.restarts++;
            c.id = "c0de" + c.ordinal + "r" + c.restarts;
            c.pid = 2000 + 10 * c.ordinal + c.restarts;
            c.process = Process.RUNNING;
            c.taskPaused = false;
            c.probe = ProbeFile.ORIGINAL;
            c.ready = false;
            c.readinessFailures = 0;
            c.livenessFailures = 0;
            c.readinessResultAt = -1;
            c.livenessResultAt = -1;
            c.killAt = -1;
            c.sinceStart = 0;
            c.startedAt.add(now);
            writeStatus(c);
        }
    }

    /** The kubelet's kill of a container it decided to kill: at once if it runs, after the grace period if stopped. */
    private void terminateIfDue(Container c) {
        if (c.killAt >= 0 && (c.process == Process.RUNNING || now >= c.killAt)) {
            c.killAt = -1;
            die(c); // SIGTERM taken (a thawed server shuts down) or SIGKILL; noticed at the next relist
        }
    }

    private void probe(Container c) {
        if (c.process != Process.RUNNING && c.process != Process.STOPPED) {
            return;
        }
        c.sinceStart++;
        ClusterSpec.ProbeSpec readiness = spec.readiness();
        if (c.readinessResultAt >= 0 ? now >= c.readinessResultAt
                : c.sinceStart >= readiness.initialDelaySeconds() && c.sinceStart % readiness.periodSeconds() == 0) {
            Boolean result = probeResult(c, true, readiness);
            if (result != null) { // null: Unknown, thrown away, or still running
                if (result) {
                    c.readinessFailures = 0;
                    setReady(c, true);
                } else if (++c.readinessFailures >= readiness.failureThreshold()) {
                    setReady(c, false);
                }
            }
        }
        ClusterSpec.ProbeSpec liveness = spec.liveness();
        if (liveness != null && c.killAt < 0 && (c.livenessResultAt >= 0 ? now >= c.livenessResultAt
                : c.sinceStart >= liveness.initialDelaySeconds() && c.sinceStart % liveness.periodSeconds() == 0)) {
            Boolean result = probeResult(c, false, liveness);
            if (result != null) {
                c.livenessFailures = result ? 0 : c.livenessFailures + 1;
                if (c.livenessFailures >= liveness.failureThreshold()) {
                    c.killAt = now + terminationGracePeriodSeconds(); // SIGTERM now, SIGKILL then
                    terminateIfDue(c);
                }
            }
        }
    }

    /**
     * A probe due now: its result, or null while a probe into a stopped server waits for its timeout (the
     * result then comes at {@code timeoutSeconds}: a Failure if the server is still stopped).
     */
    private Boolean probeResult(Container c, boolean readiness, ClusterSpec.ProbeSpec probe) {
        long pending = readiness ? c.readinessResultAt : c.livenessResultAt;
        if (pending >= 0) {
            setPending(c, readiness, -1);
            return c.process != Process.STOPPED;
        }
        Boolean result = execProbe(c, readiness);
        if (Boolean.FALSE.equals(result) && c.process == Process.STOPPED) {
            setPending(c, readiness, now + Math.max(1, probe.timeoutSeconds()));
            return null;
        }
        return result;
    }

    private static void setPending(Container c, boolean readiness, long at) {
        if (readiness) {
            c.readinessResultAt = at;
        } else {
            c.livenessResultAt = at;
        }
    }

    /** The pod template's terminationGracePeriodSeconds, 30 when it says none (the API's default). */
    private int terminationGracePeriodSeconds() {
        return spec.objects().stream().filter(io.fabric8.kubernetes.api.model.apps.StatefulSet.class::isInstance)
                .map(io.fabric8.kubernetes.api.model.apps.StatefulSet.class::cast)
                .map(sts -> sts.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds())
                .filter(java.util.Objects::nonNull).findFirst().map(Long::intValue).orElse(30);
    }

    /** True: success, false: failure, null: Unknown (the command could not start). */
    private Boolean execProbe(Container c, boolean readiness) {
        if (c.taskPaused) {
            return null; // "cannot exec in a paused state": the exec fails to start
        }
        if (readiness && c.probe == ProbeFile.MISSING) {
            return null; // exec: "mysql": executable file not found: the command cannot start
        }
        if (c.process == Process.STOPPED) {
            return false; // the command starts, mysqld never answers: timeoutSeconds pass, a Failure
        }
        return !(readiness && c.probe == ProbeFile.STUB);
    }

    private void setReady(Container c, boolean ready) {
        if (c.ready != ready) {
            c.ready = ready;
            writeStatus(c);
        }
    }

    private void die(Container c) {
        c.process = Process.DEAD;
        c.taskPaused = false;
        c.diedAt = now;
        c.reported = false;
    }

    // ---------------------------------------------------------------- the node

    @Override
    public synchronized CommandResult run(List<String> command) {
        String joined = String.join(" ", command);
        commands.add(joined);
        if (joined.equals("ctr -n k8s.io task ls")) {
            StringBuilder out = new StringBuilder("TASK    PID    STATUS\n");
            for (Container c : containers.values()) {
                if (c.process == Process.RUNNING || c.process == Process.STOPPED) {
                    out.append(c.id).append("    ").append(c.pid).append("    ")
                            .append(c.taskPaused ? "PAUSED" : "RUNNING").append('\n');
                }
            }
            return CommandResult.ok(out.toString());
        }
        if (joined.startsWith("ctr -n k8s.io task ")) {
            String id = command.get(command.size() - 1);
            Container c = containers.values().stream().filter(x -> x.id.equals(id)
                    && (x.process == Process.RUNNING || x.process == Process.STOPPED)).findFirst().orElse(null);
            if (c == null) {
                return CommandResult.failed(1, "ctr: container \"" + id + "\" in namespace \"k8s.io\": not found");
            }
            if (joined.contains(" kill -s SIGKILL ")) {
                die(c);
            } else if (joined.contains(" kill -s SIGSTOP ")) {
                c.process = Process.STOPPED;
            } else if (joined.contains(" kill -s SIGCONT ")) {
                c.process = Process.RUNNING;
            } else if (joined.contains(" task pause ")) {
                c.taskPaused = true;
            } else if (joined.contains(" task resume ")) {
                c.taskPaused = false;
            }
            return CommandResult.ok("");
        }
        return CommandResult.ok(""); // nsenter ... iptables, tc: accepted
    }

    synchronized List<String> take() {
        List<String> taken = List.copyOf(commands);
        commands.clear();
        return taken;
    }

    synchronized boolean ran(String prefix) {
        return commands.stream().anyMatch(c -> c.startsWith(prefix));
    }

    // ---------------------------------------------------------------- exec through the API server

    @Override
    public synchronized CommandResult run(String pod, String containerName, List<String> command) {
        Container c = containers.get(Integer.parseInt(pod.substring(pod.lastIndexOf('-') + 1)));
        commands.add(pod + "/" + containerName + ": " + String.join(" ", command));
        if (c.process != Process.RUNNING && c.process != Process.STOPPED) {
            throw new K3sBackendException("K3S: cannot exec in container " + containerName + " of pod " + pod
                    + ": container not running");
        }
        if (c.taskPaused) {
            throw new K3sBackendException("K3S: exec in container " + containerName + " of pod " + pod + " failed: "
                    + "cannot exec in a paused state: unknown");
        }
        String joined = String.join(" ", command);
        if (joined.equals("sh -c command -v mysql")) {
            return c.probe == ProbeFile.MISSING ? CommandResult.failed(1, "") : CommandResult.ok("/usr/bin/mysql\n");
        }
        if (command.size() > 2 && command.get(0).equals("sh") && command.get(2).equals(ProbeStub.BREAK_SCRIPT)) {
            c.probe = command.get(5).contains("exit 1") ? ProbeFile.STUB : ProbeFile.ORIGINAL;
            return CommandResult.ok("");
        }
        if (joined.equals("mv /usr/bin/mysql /usr/bin/mysql.mysqlsts-broken")) {
            c.probe = ProbeFile.MISSING;
            return CommandResult.ok("");
        }
        if (joined.matches("mv (-f )?/usr/bin/mysql\\.mysqlsts-broken /usr/bin/mysql")) {
            c.probe = ProbeFile.ORIGINAL;
            return CommandResult.ok("");
        }
        return CommandResult.failed(127, "sh: unexpected command in the simulation: " + joined);
    }

    // ---------------------------------------------------------------- status, as the kubelet writes it

    private void writeStatus(Container c) {
        String name = spec.podName(c.ordinal);
        Pod pod = client.pods().inNamespace(namespace).withName(name).get();
        if (pod == null) {
            return;
        }
        List<ContainerStatus> statuses = new ArrayList<>();
        for (io.fabric8.kubernetes.api.model.Container declared : pod.getSpec().getContainers()) {
            boolean mysql = "mysql".equals(declared.getName());
            ContainerStatusBuilder b = new ContainerStatusBuilder().withName(declared.getName())
                    .withImage(declared.getImage())
                    .withContainerID("containerd://" + (mysql ? c.id : "c0de0" + c.ordinal + "-" + declared.getName()))
                    .withRestartCount(mysql ? c.restarts : 0)
                    .withReady(!mysql || c.ready);
            if (!mysql || c.process == Process.RUNNING || c.process == Process.STOPPED || !c.reported) {
                b.withNewState().withNewRunning().withStartedAt("2026-11-23T10:00:00Z").endRunning().endState();
            } else if (c.process == Process.WAITING) {
                b.withNewState().withNewWaiting().withReason("CrashLoopBackOff")
                        .withMessage("back-off " + (c.restartAt - now) + "s restarting failed container=mysql")
                        .endWaiting().endState();
            } else {
                b.withNewState().withNewTerminated().withReason("Error").withExitCode(137).endTerminated().endState();
            }
            if (mysql && c.restarts > 0) {
                b.withNewLastState().withNewTerminated().withReason("Error").withExitCode(137).endTerminated()
                        .endLastState();
            }
            statuses.add(b.build());
        }
        boolean ready = c.ready && (c.process == Process.RUNNING || c.process == Process.STOPPED || !c.reported);
        List<PodCondition> conditions = List.of(
                new io.fabric8.kubernetes.api.model.PodConditionBuilder().withType("Ready")
                        .withStatus(ready ? "True" : "False")
                        .withReason(ready ? null : "ContainersNotReady").build(),
                new io.fabric8.kubernetes.api.model.PodConditionBuilder().withType("PodScheduled").withStatus("True")
                        .build());
        pod.getStatus().setPhase("Running");
        pod.getStatus().setConditions(conditions);
        pod.getStatus().setContainerStatuses(statuses);
        pod.getStatus().setPodIP("10.42.0.1" + c.ordinal);
        pod.getStatus().setPodIPs(List.of(new io.fabric8.kubernetes.api.model.PodIP("10.42.0.1" + c.ordinal)));
        client.pods().inNamespace(namespace).resource(pod).updateStatus();
    }
}
