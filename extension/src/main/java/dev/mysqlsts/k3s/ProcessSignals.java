package dev.mysqlsts.k3s;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Crash and freeze of the mysql container's main process, by signals sent from the node through containerd:
 * {@code ctr task kill -s <signal> <container>} signals the task's init process, the container's PID 1
 * (containerd {@code cmd/ctr/commands/tasks/kill.go}; without {@code --all} only the init process). In the
 * seed's {@code mysql:5.7} image, that is mysqld itself (its entrypoint ends in {@code exec "$@"}). runc signals it
 * from the node's PID namespace, an ancestor of the container's: SIGKILL and SIGSTOP are forced on a namespace's
 * init from there (pid_namespaces(7)), and SIGCONT continues a stopped process when it is generated, before the
 * kernel looks at the init's handlers (kernel/signal.c, {@code prepare_signal}).
 *
 * <p>Not containerd's pause: a paused task refuses every exec ("cannot exec in a paused state", containerd
 * {@code cmd/containerd-shim-runc-v2/process/init_state.go}), so the kubelet's exec probes could not start, and
 * a probe that cannot start is Unknown and thrown away (kubernetes {@code pkg/probe/exec/exec.go},
 * {@code pkg/kubelet/prober/worker.go}): the pod would stay Ready. With SIGSTOP, the probes start, hang on the
 * frozen server and time out, so readiness and liveness fail as they would on a hung server.
 */
final class ProcessSignals {

    private static final Logger LOG = LoggerFactory.getLogger(ProcessSignals.class);

    private final NodeCommands commands;
    private final ContainerTasks tasks;
    private final Duration restartTimeout;
    /** Frozen pods and the container (id) that was stopped. */
    private final Map<Integer, String> stopped = new TreeMap<>();

    ProcessSignals(NodeCommands commands, ContainerTasks tasks, Duration restartTimeout) {
        this.commands = commands;
        this.tasks = tasks;
        this.restartTimeout = restartTimeout;
    }

    /**
     * SIGKILLs mysqld and returns once the kubelet has seen it (a new container id, a higher restart count or
     * the container not running), so that a later {@code awaitReady} cannot pass on the stale Ready of the dead
     * container. The kubelet then restarts it in the same pod (same IP and volume): at once after a first crash,
     * after 10, 20, 40 s... after each further crash within 10 minutes (kubernetes
     * {@code pkg/kubelet/kuberuntime/kuberuntime_manager.go}, {@code doBackOff}; {@code pkg/kubelet/kubelet.go},
     * {@code backOffPeriod} and {@code MaxContainerBackOff}).
     */
    synchronized void kill(int ordinal) {
        commands.require("kill(" + ordinal + ")");
        ContainerTasks.Run before = tasks.run(tasks.pod(ordinal));
        String id = tasks.containerId(tasks.pod(ordinal));
        commands.ok("kill", ordinal, NodeCommands.ctr("task", "kill", "-s", "SIGKILL", id));
        stopped.remove(ordinal); // SIGKILL ends a stopped process too
        tasks.awaitEnd(ordinal, before, restartTimeout, "kill");
    }

    /** SIGSTOP to mysqld: it answers nothing, its sockets stay open, the probes time out. */
    synchronized void pause(int ordinal) {
        commands.require("pause(" + ordinal + ")");
        if (stopped.containsKey(ordinal)) {
            return;
        }
        String id = tasks.containerId(tasks.pod(ordinal));
        commands.ok("pause", ordinal, NodeCommands.ctr("task", "kill", "-s", "SIGSTOP", id));
        stopped.put(ordinal, id);
    }

    /**
     * SIGCONT to the container stopped by {@link #pause}. If the kubelet restarted it meanwhile (its liveness
     * probe failed while frozen, as in production), there is nothing to thaw, and the log says so.
     */
    synchronized void resume(int ordinal) {
        commands.require("resume(" + ordinal + ")");
        String id = stopped.remove(ordinal);
        if (id == null) {
            return;
        }
        CommandResult result = commands.run("resume", ordinal, NodeCommands.ctr("task", "kill", "-s", "SIGCONT", id));
        if (!result.succeeded()) {
            if (!NodeCommands.nothingToUndo(result)) {
                throw commands.failure("resume", ordinal, NodeCommands.ctr("task", "kill", "-s", "SIGCONT", id),
                        result);
            }
            LOG.info("K3S {}: resume {}: container {} is gone ({}); the kubelet restarted it", commands.clusterName(),
                    commands.spec().podName(ordinal), ContainerTasks.shortId(id), result.output());
        }
    }

    boolean isPaused(int ordinal) {
        return stopped.containsKey(ordinal);
    }

    /** Thaws every stopped container (before anything is exec'd into them). */
    synchronized void resumeAll() {
        for (Map.Entry<Integer, String> frozen : stopped.entrySet()) {
            commands.attempt("pause", frozen.getKey(), () -> commands.undo("restoreAll", frozen.getKey(),
                    NodeCommands.ctr("task", "kill", "-s", "SIGCONT", frozen.getValue())));
        }
        stopped.clear();
    }
}
