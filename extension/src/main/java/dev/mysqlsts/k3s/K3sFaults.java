package dev.mysqlsts.k3s;

import dev.mysqlsts.backend.FaultInjector;
import dev.mysqlsts.manifest.ClusterSpec;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodIP;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Faults on the K3S backend, made where Kubernetes would see them happen:
 *
 * <ul>
 *   <li>from the node (the k3s container, through a {@link NodeShell}): the mysql container's task is killed,
 *       frozen and thawed through containerd ({@code ctr -n k8s.io task kill|pause|resume}); packets are
 *       dropped with iptables, and delayed with netem, inside the pod's network namespace, entered with
 *       {@code nsenter};</li>
 *   <li>through the API server: pods are deleted (the StatefulSet controller recreates them), and the
 *       readiness probe's binary is moved aside inside the mysql container (exec, through a
 *       {@link ContainerShell}), so the kubelet's probe fails while the server runs on.</li>
 * </ul>
 *
 * Every command is logged at debug level. What is in force is remembered, so {@link #restoreAll()} undoes
 * exactly that. Without node access (a cluster reached only through its API server) the node faults throw
 * {@link UnsupportedOperationException}; {@code deletePod} and the readiness faults still work.
 */
final class K3sFaults implements FaultInjector {

    private static final Logger LOG = LoggerFactory.getLogger(K3sFaults.class);

    /** The iptables chain holding the DROP rules of every cut; the INPUT and OUTPUT chains jump to it. */
    static final String CHAIN = "MYSQLSTS";
    /** Appended to the probe's binary while readiness is broken. */
    static final String BROKEN_SUFFIX = ".mysqlsts-broken";
    /** The interface of a pod's network namespace (k3s's flannel, and most CNIs, name it so). */
    static final String POD_INTERFACE = "eth0";
    /**
     * netem's queue, in packets. Its default (1000) would drop packets once more than 1000 are in flight
     * during the delay (about 7 MB/s at 200 ms), adding a loss nobody asked for.
     */
    static final String NETEM_LIMIT = "100000";

    private static final Set<String> SHELLS = Set.of("sh", "bash", "ash", "dash", "zsh", "ksh");
    private static final Pattern PLAIN_WORD = Pattern.compile("[A-Za-z0-9_./+-]+");
    private static final Pattern PEER_INDEX = Pattern.compile("\\b" + POD_INTERFACE + "@if(\\d+):");
    private static final Pattern LINK_LINE = Pattern.compile("^(\\d+):\\s+([^:@\\s]+)(?:@[^:\\s]*)?:");
    /** What the tools answer when what restoreAll undoes is not there any more. */
    private static final List<String> NOTHING_TO_UNDO = List.of(
            "no chain/target/match by that name", // iptables -F of a chain that is gone (new pod)
            "cannot delete qdisc with handle of zero", // tc qdisc del where there is none
            "no such file or directory", // mv of a probe binary already back; tc; nsenter of a gone process
            "cannot resume a running process", // ctr task resume of a task not paused
            "not found", // ctr of a container that is gone (the kubelet restarted it)
            "process already finished",
            "not paused");

    private final String clusterName;
    private final ClusterSpec spec;
    private final KubernetesClient client;
    private final String namespace;
    private final NodeShell node;
    private final ContainerShell containers;
    private final Duration recreateTimeout;
    private final String mysqlContainer;

    /** Paused pods and the container (id) that was frozen. */
    private final Map<Integer, String> paused = new TreeMap<>();
    /** Probe binaries moved aside, by ordinal. */
    private final Map<Integer, String> brokenProbes = new TreeMap<>();
    /** Pods with netem on their interface. */
    private final Set<Integer> delayed = new TreeSet<>();
    /** Cuts in force, in the order made. */
    private final List<Cut> cuts = new ArrayList<>();
    /** Pods whose namespace got the chain in ip6tables too (an IPv6 peer). */
    private final Set<Integer> ip6Chains = new TreeSet<>();
    /** Why latency cannot work on this node; "" once checked and fine, null before the check. */
    private String netemProblem;

    /** Packets between the pods of {@code side} and those of {@code otherSide} are dropped. */
    private record Cut(Set<Integer> side, Set<Integer> otherSide) {
        Set<Integer> pods() {
            Set<Integer> all = new TreeSet<>(side);
            all.addAll(otherSide);
            return all;
        }
    }

    /**
     * @param node            commands on the node, or null where the harness has no access to the node
     * @param containers      commands in a container of a pod of this namespace
     * @param recreateTimeout how long {@link #deletePod} waits for the pod to be back and Ready
     */
    K3sFaults(String clusterName, ClusterSpec spec, KubernetesClient client, String namespace, NodeShell node,
              ContainerShell containers, Duration recreateTimeout) {
        this.clusterName = clusterName;
        this.spec = spec;
        this.client = client;
        this.namespace = namespace;
        this.node = node;
        this.containers = containers;
        this.recreateTimeout = recreateTimeout;
        this.mysqlContainer = mysqlContainerName(spec);
    }

    // ---------------------------------------------------------------- crash, freeze

    /**
     * SIGKILLs the mysql container's task through containerd on the node; the kubelet sees the container die
     * and restarts it (in the same pod: same IP, same volume, a fresh container).
     */
    @Override
    public synchronized void kill(int ordinal) {
        requireNode("kill(" + ordinal + ")");
        String id = containerId(pod(ordinal));
        nodeOk("kill", ordinal, ctr("task", "kill", "-s", "SIGKILL", id));
        String frozen = paused.remove(ordinal);
        if (frozen != null) {
            // with the cgroup v1 freezer, a frozen task gets its SIGKILL only once thawed
            undo("kill", ordinal, ctr("task", "resume", frozen));
        }
    }

    /** Freezes the mysql container's cgroup (containerd's pause): the server answers nothing, sockets stay open. */
    @Override
    public synchronized void pause(int ordinal) {
        requireNode("pause(" + ordinal + ")");
        String id = containerId(pod(ordinal));
        nodeOk("pause", ordinal, ctr("task", "pause", id));
        paused.put(ordinal, id);
    }

    /**
     * Thaws the container frozen by {@link #pause}. If the kubelet restarted it meanwhile (its liveness probe
     * failed while frozen, as in production), there is nothing to thaw, and that is said in the log.
     */
    @Override
    public synchronized void resume(int ordinal) {
        requireNode("resume(" + ordinal + ")");
        String id = paused.containsKey(ordinal) ? paused.get(ordinal) : containerId(pod(ordinal));
        CommandResult result = node("resume", ordinal, ctr("task", "resume", id));
        if (!result.succeeded()) {
            if (!nothingToUndo(result)) {
                throw failure("resume", ordinal, ctr("task", "resume", id), result);
            }
            LOG.info("K3S {}: resume {}: container {} is not paused any more ({}); the kubelet may have restarted it",
                    clusterName, spec.podName(ordinal), shortId(id), result.output());
        }
        paused.remove(ordinal);
    }

    // ---------------------------------------------------------------- delete

    /**
     * Deletes the pod through the API server (gracefully, as {@code kubectl delete pod} does) and waits until
     * the StatefulSet controller has created a new pod of that name (a new uid) and it is Ready. The new pod
     * has the same name and volume claim; its containers, network namespace and IP are new, so faults inside
     * them (a broken probe, a delay) are gone with the old pod, while a cut is made again for the new IP.
     */
    @Override
    public synchronized void deletePod(int ordinal) {
        String name = spec.podName(ordinal);
        Pod old = pod(ordinal);
        String uid = old.getMetadata().getUid();
        if (paused.containsKey(ordinal)) {
            // a frozen server never sees the SIGTERM: the pod would go only at the end of its grace period
            undo("deletePod", ordinal, ctr("task", "resume", paused.get(ordinal)));
        }
        paused.remove(ordinal);
        brokenProbes.remove(ordinal);
        delayed.remove(ordinal);
        // watch from before the delete, so neither the deletion nor the new pod can be missed
        CompletableFuture<Pod> recreated = new CompletableFuture<>();
        try (SharedIndexInformer<Pod> informer = client.pods().inNamespace(namespace).withName(name)
                .inform(new ResourceEventHandler<>() {
                    @Override
                    public void onAdd(Pod pod) {
                        seen(pod);
                    }

                    @Override
                    public void onUpdate(Pod oldPod, Pod newPod) {
                        seen(newPod);
                    }

                    @Override
                    public void onDelete(Pod pod, boolean deletedFinalStateUnknown) {
                    }

                    private void seen(Pod pod) {
                        if (!Objects.equals(uid, pod.getMetadata().getUid()) && ReadinessWaiter.isReady(pod)) {
                            recreated.complete(pod);
                        }
                    }
                }, 0)) {
            LOG.debug("K3S {}: deletePod {}: DELETE pod {} (uid {}) in namespace {}", clusterName, name, name, uid,
                    namespace);
            client.pods().inNamespace(namespace).withName(name).delete();
            recreated.get(recreateTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            Pod now = client.pods().inNamespace(namespace).withName(name).get();
            String state = now == null ? name + " has not been created again"
                    : Objects.equals(uid, now.getMetadata().getUid()) ? "the old " + PodReports.status(now)
                    : "the new " + PodReports.status(now);
            throw new K3sBackendException("K3S " + clusterName + ": faults.deletePod(" + ordinal + "): pod " + name
                    + " was deleted, but no new pod " + name + " was Ready within " + recreateTimeout + " ("
                    + K3sSettings.STARTUP_TIMEOUT + " sets this timeout). Now: " + state
                    + ". The StatefulSet controller recreates a deleted pod; the new one must pass its readiness probe.");
        } catch (ExecutionException e) {
            throw new K3sBackendException("K3S " + clusterName + ": faults.deletePod(" + ordinal + "): waiting for the"
                    + " new pod " + name + " failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new K3sBackendException("K3S " + clusterName + ": faults.deletePod(" + ordinal + "): interrupted"
                    + " while waiting for the new pod " + name, e);
        }
        LOG.debug("K3S {}: deletePod {}: a new {} is Ready", clusterName, name, name);
        if (node != null && cuts.stream().anyMatch(cut -> cut.pods().contains(ordinal))) {
            LOG.debug("K3S {}: deletePod {}: making the cuts again for its new IP", clusterName, name);
            reapplyCuts();
        }
    }

    // ---------------------------------------------------------------- network

    /**
     * In the network namespace of every pod on either side, drops every packet to and from the pods of the
     * other side, in the chain {@value #CHAIN} that the INPUT and OUTPUT chains jump to first. DROP, not
     * REJECT: the far side sees silence, and established connections (the replication stream) hang as they
     * would in a real partition, since every packet is matched, not only new connections. Both sides get the
     * rules, so traffic that only one side sees with the other's pod IP (through a Service's ClusterIP, which
     * is translated outside the pod) is cut as well.
     *
     * <p>The test's own connections are not affected: they come through the API server's port-forward, which
     * the kubelet and containerd serve by connecting to the port on {@code localhost} from inside the pod's
     * network namespace. Those packets travel on {@code lo} between 127.0.0.1 and 127.0.0.1 and match no
     * rule here, which names only other pods' IPs; so a test can still read an isolated follower, as a Jepsen
     * client can.
     */
    @Override
    public synchronized void cut(Set<Integer> side, Set<Integer> otherSide) {
        requireNode("isolate/partition(" + side + " | " + otherSide + ")");
        Cut cut = new Cut(new TreeSet<>(side), new TreeSet<>(otherSide));
        cuts.add(cut);
        apply(cut, taskPids());
    }

    private void apply(Cut cut, Map<String, String> tasks) {
        Map<Integer, List<String>> ips = new TreeMap<>();
        for (int ordinal : cut.pods()) {
            ips.put(ordinal, podIps(pod(ordinal)));
        }
        for (int ordinal : cut.side()) {
            drop(ordinal, tasks, cut.otherSide().stream().flatMap(n -> ips.get(n).stream()).toList());
        }
        for (int ordinal : cut.otherSide()) {
            drop(ordinal, tasks, cut.side().stream().flatMap(n -> ips.get(n).stream()).toList());
        }
    }

    /** In the pod's network namespace: the chain (once), then a DROP from and a DROP to each address. */
    private void drop(int ordinal, Map<String, String> tasks, List<String> addresses) {
        String pid = pid(ordinal, tasks);
        for (String tool : List.of("iptables", "ip6tables")) {
            List<String> mine = addresses.stream().filter(ip -> ip.contains(":") == tool.equals("ip6tables")).toList();
            if (mine.isEmpty()) {
                continue;
            }
            ensureChain(ordinal, pid, tool);
            if (tool.equals("ip6tables")) {
                ip6Chains.add(ordinal);
            }
            for (String ip : mine) {
                nodeOk("cut", ordinal, inPod(pid, tool, "-w", "-A", CHAIN, "-s", ip, "-j", "DROP"));
                nodeOk("cut", ordinal, inPod(pid, tool, "-w", "-A", CHAIN, "-d", ip, "-j", "DROP"));
            }
        }
    }

    /** Creates the chain and the jumps to it; a chain that exists already has its jumps (they go together). */
    private void ensureChain(int ordinal, String pid, String tool) {
        List<String> create = inPod(pid, tool, "-w", "-N", CHAIN);
        CommandResult created = node("cut", ordinal, create);
        if (!created.succeeded()) {
            if (created.output().toLowerCase(Locale.ROOT).contains("already exists")) {
                return;
            }
            throw failure("cut", ordinal, create, created);
        }
        nodeOk("cut", ordinal, inPod(pid, tool, "-w", "-I", "INPUT", "1", "-j", CHAIN));
        nodeOk("cut", ordinal, inPod(pid, tool, "-w", "-I", "OUTPUT", "1", "-j", CHAIN));
    }

    /** After a pod of a cut was recreated (new IP, new namespace): every cut made again from scratch. */
    private void reapplyCuts() {
        Map<String, String> tasks = taskPids();
        Set<Integer> pods = cuts.stream().flatMap(cut -> cut.pods().stream()).collect(Collectors.toCollection(TreeSet::new));
        for (int ordinal : pods) {
            flush("deletePod", ordinal, tasks);
        }
        for (Cut cut : cuts) {
            apply(cut, tasks);
        }
    }

    /**
     * netem on the pod's interface, both ways: on {@value #POD_INTERFACE} inside the pod's network namespace
     * for what the pod sends, and on its peer, the host side of the veth pair in the node's namespace, for
     * what it receives. So every byte to and from the pod is delayed by {@code delay}, as on LOCAL. Needs
     * iproute2's {@code tc} on the node and the kernel's {@code sch_netem}; otherwise
     * {@link UnsupportedOperationException}.
     */
    @Override
    public synchronized void latency(int ordinal, Duration delay) {
        requireNode("latency(" + ordinal + ", " + delay + ")");
        if (delay.isZero()) {
            if (delayed.remove(ordinal)) {
                removeNetem("latency", ordinal, pid(ordinal, taskPids()), true);
            }
            return;
        }
        checkNetem(ordinal, delay);
        String pid = pid(ordinal, taskPids());
        String hostSide = hostInterface(ordinal, pid);
        String amount = netemDelay(delay);
        List<String> inPod = inPod(pid, "tc", "qdisc", "replace", "dev", POD_INTERFACE, "root", "netem", "delay", amount,
                "limit", NETEM_LIMIT);
        netem(ordinal, delay, inPod);
        delayed.add(ordinal);
        netem(ordinal, delay, List.of("tc", "qdisc", "replace", "dev", hostSide, "root", "netem", "delay", amount,
                "limit", NETEM_LIMIT));
    }

    private void netem(int ordinal, Duration delay, List<String> command) {
        CommandResult result = node("latency", ordinal, command);
        if (result.succeeded()) {
            return;
        }
        String output = result.output().toLowerCase(Locale.ROOT);
        if (output.contains("unknown") || output.contains("not supported")) {
            throw unsupportedLatency(ordinal, delay, "the node's kernel or tc has no netem qdisc (`"
                    + String.join(" ", command) + "` answered: " + result.output() + "); netem is the kernel module"
                    + " sch_netem of the Docker host");
        }
        throw failure("latency", ordinal, command, result);
    }

    /** Once per cluster: is there a tc, and is it iproute2's (BusyBox's tc, which k3s's image has, lacks netem)? */
    private void checkNetem(int ordinal, Duration delay) {
        if (netemProblem == null) {
            CommandResult which = node("latency", ordinal, List.of("sh", "-c", "command -v tc"));
            String path = which.stdout().strip();
            if (!which.succeeded() || path.isEmpty()) {
                netemProblem = "the node has no tc (the traffic-control tool of iproute2), which netem needs";
            } else {
                CommandResult version = node("latency", ordinal, List.of("tc", "-V"));
                netemProblem = version.output().contains("iproute2") ? ""
                        : "the node's tc (" + path + ") is not iproute2's and has no netem (the rancher/k3s image"
                                + " carries BusyBox's tc)";
            }
        }
        if (!netemProblem.isEmpty()) {
            throw unsupportedLatency(ordinal, delay, netemProblem);
        }
    }

    private UnsupportedOperationException unsupportedLatency(int ordinal, Duration delay, String why) {
        return new UnsupportedOperationException("faults.latency(" + ordinal + ", " + delay + ") is not supported on"
                + " K3S here: " + why + ". A k3s image with iproute2's tc (property " + K3sSettings.K3S_IMAGE + ") makes"
                + " it work; the LOCAL backend supports latency everywhere: @MySqlStatefulSet(backend = Backend.LOCAL).");
    }

    /** The host side of the pod's veth pair: the node's interface whose index is the peer of the pod's eth0. */
    private String hostInterface(int ordinal, String pid) {
        String podLink = nodeOk("latency", ordinal, inPod(pid, "ip", "-o", "link", "show", "dev", POD_INTERFACE));
        Matcher peer = PEER_INDEX.matcher(podLink);
        if (!peer.find()) {
            throw new K3sBackendException("K3S " + clusterName + ": latency " + spec.podName(ordinal) + ": "
                    + POD_INTERFACE + " of the pod is not one end of a veth pair: " + podLink.strip());
        }
        String index = peer.group(1);
        String nodeLinks = nodeOk("latency", ordinal, List.of("ip", "-o", "link", "show"));
        for (String line : nodeLinks.split("\\R")) {
            Matcher link = LINK_LINE.matcher(line);
            if (link.find() && link.group(1).equals(index)) {
                return link.group(2);
            }
        }
        throw new K3sBackendException("K3S " + clusterName + ": latency " + spec.podName(ordinal) + ": the node has"
                + " no interface with index " + index + ", the peer of the pod's " + POD_INTERFACE);
    }

    private void removeNetem(String fault, int ordinal, String pid, boolean strict) {
        List<String> inPod = inPod(pid, "tc", "qdisc", "del", "dev", POD_INTERFACE, "root");
        if (strict) {
            CommandResult result = node(fault, ordinal, inPod);
            if (!result.succeeded() && !nothingToUndo(result)) {
                throw failure(fault, ordinal, inPod, result);
            }
        } else {
            undo(fault, ordinal, inPod);
        }
        String hostSide = hostInterface(ordinal, pid);
        List<String> onNode = List.of("tc", "qdisc", "del", "dev", hostSide, "root");
        if (strict) {
            CommandResult result = node(fault, ordinal, onNode);
            if (!result.succeeded() && !nothingToUndo(result)) {
                throw failure(fault, ordinal, onNode, result);
            }
        } else {
            undo(fault, ordinal, onNode);
        }
    }

    static String netemDelay(Duration delay) {
        long nanos = delay.toNanos();
        return nanos % 1_000_000 == 0 ? nanos / 1_000_000 + "ms" : Math.max(1, nanos / 1_000) + "us";
    }

    // ---------------------------------------------------------------- readiness

    /**
     * Moves the readiness probe's binary aside inside the mysql container ({@code mv /usr/bin/mysql
     * /usr/bin/mysql.mysqlsts-broken}), so the kubelet's exec probe fails and the pod turns NotReady after
     * the probe's failure threshold, while mysqld runs on; {@code broken = false} moves it back. A container
     * restarted meanwhile (kill, liveness) has its binary back: there is then nothing to restore.
     */
    @Override
    public synchronized void breakReadiness(int ordinal, boolean broken) {
        String pod = spec.podName(ordinal);
        if (!broken) {
            String path = brokenProbes.remove(ordinal);
            if (path == null) {
                LOG.debug("K3S {}: restoreReadiness {}: the probe is not broken", clusterName, pod);
                return;
            }
            List<String> back = List.of("mv", path + BROKEN_SUFFIX, path);
            CommandResult result = inContainer("restoreReadiness", ordinal, back);
            if (!result.succeeded()) {
                if (!nothingToUndo(result)) {
                    throw failure("restoreReadiness", ordinal, back, result);
                }
                LOG.info("K3S {}: restoreReadiness {}: {} is back already (the container was restarted)", clusterName,
                        pod, path);
            }
            return;
        }
        if (brokenProbes.containsKey(ordinal)) {
            return;
        }
        pod(ordinal);
        String binary = probeBinary(spec);
        String path = binary.startsWith("/") ? binary : resolve(ordinal, binary);
        List<String> aside = List.of("mv", path, path + BROKEN_SUFFIX);
        CommandResult result = inContainer("breakReadiness", ordinal, aside);
        if (!result.succeeded()) {
            throw failure("breakReadiness", ordinal, aside, result);
        }
        brokenProbes.put(ordinal, path);
        if (spec.liveness() != null && !spec.liveness().command().isEmpty()
                && binary.equals(probeBinaryOf(spec.liveness().command()))) {
            LOG.warn("K3S {}: breakReadiness {}: the liveness probe runs {} too, so it fails as well and the kubelet"
                    + " will restart the container (which brings the binary back)", clusterName, pod, binary);
        }
    }

    /** Where the container's PATH finds the binary. */
    private String resolve(int ordinal, String binary) {
        List<String> which = List.of("sh", "-c", "command -v " + binary);
        CommandResult result = inContainer("breakReadiness", ordinal, which);
        String path = result.stdout().strip();
        if (!result.succeeded() || !path.startsWith("/")) {
            throw new K3sBackendException("K3S " + clusterName + ": breakReadiness " + spec.podName(ordinal)
                    + ": the readiness probe's command " + binary + " is not found in container " + mysqlContainer
                    + " (`" + String.join(" ", which) + "` answered: " + result.output() + ")");
        }
        return path;
    }

    /**
     * The binary whose absence makes the readiness probe fail: its command's first word, or, for
     * {@code sh -c "mysql ..."}, the script's first word.
     */
    static String probeBinary(ClusterSpec spec) {
        List<String> command = spec.readiness().command();
        if (command.isEmpty()) {
            throw new UnsupportedOperationException("breakReadiness on K3S needs an exec readiness probe; the"
                    + " StatefulSet " + spec.statefulSetName() + " of " + spec.source() + " has none");
        }
        String binary = probeBinaryOf(command);
        if (binary == null || !PLAIN_WORD.matcher(binary).matches() || SHELLS.contains(basename(binary))) {
            throw new UnsupportedOperationException("breakReadiness on K3S makes the readiness probe fail by moving"
                    + " its binary aside in the container, but cannot tell which binary the probe "
                    + command + " of " + spec.source() + " needs");
        }
        return binary;
    }

    private static String probeBinaryOf(List<String> command) {
        String first = command.get(0);
        if (!SHELLS.contains(basename(first)) || command.size() < 2) {
            return first;
        }
        int c = command.indexOf("-c");
        if (c >= 1 && c + 1 < command.size()) {
            List<String> words = Stream.of(command.get(c + 1).strip().split("\\s+"))
                    .filter(w -> !w.isEmpty()).toList();
            int i = 0;
            while (i < words.size() && (words.get(i).equals("exec") || words.get(i).contains("="))) {
                i++;
            }
            return i < words.size() ? words.get(i) : null;
        }
        return command.get(1).startsWith("-") ? null : command.get(1); // sh /probe.sh
    }

    private static String basename(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    // ---------------------------------------------------------------- restore

    @Override
    public synchronized void cutOneWay(int from, int to) {
        // TODO(issue 9): iptables DROP in the pod's network namespace for one direction only
        throw new UnsupportedOperationException("cut(" + from + ", " + to + ") is not implemented on K3S yet");
    }

    /**
     * Undoes what is in force: thaws paused containers first (nothing can be exec'd into a frozen one),
     * moves probe binaries back, removes netem, flushes the {@value #CHAIN} chains. What is gone already (a
     * recreated pod, a restarted container) is skipped; other failures are logged and the rest goes on.
     */
    @Override
    public synchronized void restoreAll() {
        for (Map.Entry<Integer, String> frozen : paused.entrySet()) {
            attempt("resume", frozen.getKey(), () -> undo("restoreAll", frozen.getKey(),
                    ctr("task", "resume", frozen.getValue())));
        }
        paused.clear();
        for (int ordinal : new ArrayList<>(brokenProbes.keySet())) {
            attempt("restoreReadiness", ordinal, () -> {
                if (exists(ordinal)) {
                    breakReadiness(ordinal, false);
                }
            });
        }
        brokenProbes.clear();
        if (node == null) {
            return;
        }
        Map<String, String> tasks = Map.of();
        if (!delayed.isEmpty() || !cuts.isEmpty()) {
            try {
                tasks = taskPids();
            } catch (RuntimeException e) {
                LOG.warn("K3S {}: could not undo the delays and cuts on {} (the next restore tries again): {}",
                        clusterName, Stream.concat(delayed.stream(), cuts.stream().flatMap(cut -> cut.pods().stream()))
                                .distinct().sorted().map(spec::podName).collect(Collectors.joining(", ")),
                        e.getMessage());
                return;
            }
        }
        Map<String, String> pids = tasks;
        for (int ordinal : delayed) {
            attempt("latency", ordinal, () -> pidIfRunning(ordinal, pids)
                    .ifPresent(pid -> removeNetem("restoreAll", ordinal, pid, false)));
        }
        delayed.clear();
        Set<Integer> cutPods = cuts.stream().flatMap(cut -> cut.pods().stream())
                .collect(Collectors.toCollection(TreeSet::new));
        for (int ordinal : cutPods) {
            attempt("cut", ordinal, () -> flush("restoreAll", ordinal, pids));
        }
        cuts.clear();
        ip6Chains.clear();
    }

    /** Empties the chain in the pod's namespace (it stays, with its jumps, and matches nothing). */
    private void flush(String fault, int ordinal, Map<String, String> tasks) {
        Optional<String> pid = pidIfRunning(ordinal, tasks);
        if (pid.isEmpty()) {
            return;
        }
        undo(fault, ordinal, inPod(pid.get(), "iptables", "-w", "-F", CHAIN));
        if (ip6Chains.contains(ordinal)) {
            undo(fault, ordinal, inPod(pid.get(), "ip6tables", "-w", "-F", CHAIN));
        }
    }

    private void attempt(String what, int ordinal, Runnable undo) {
        try {
            undo.run();
        } catch (RuntimeException e) {
            LOG.warn("K3S {}: could not undo {} on {}: {}", clusterName, what, spec.podName(ordinal), e.getMessage());
        }
    }

    /** Runs a command that undoes something; "nothing to undo" is fine, other failures are logged. */
    private void undo(String fault, int ordinal, List<String> command) {
        CommandResult result = node(fault, ordinal, command);
        if (!result.succeeded()) {
            if (nothingToUndo(result)) {
                LOG.debug("K3S {}: {} {}: nothing to undo: {}", clusterName, fault, spec.podName(ordinal),
                        result.output());
            } else {
                LOG.warn("K3S {}: {} {}: `{}` failed (exit code {}): {}", clusterName, fault, spec.podName(ordinal),
                        String.join(" ", command), result.exitCode(), result.output());
            }
        }
    }

    static boolean nothingToUndo(CommandResult result) {
        String output = result.output().toLowerCase(Locale.ROOT);
        return NOTHING_TO_UNDO.stream().anyMatch(output::contains);
    }

    // ---------------------------------------------------------------- pods, containers, tasks

    private Pod pod(int ordinal) {
        Pod pod = client.pods().inNamespace(namespace).withName(spec.podName(ordinal)).get();
        if (pod == null) {
            throw new K3sBackendException("K3S " + clusterName + ": pod " + spec.podName(ordinal)
                    + " does not exist in namespace " + namespace);
        }
        return pod;
    }

    private boolean exists(int ordinal) {
        return client.pods().inNamespace(namespace).withName(spec.podName(ordinal)).get() != null;
    }

    /** containerd's id of the pod's mysql container, from {@code status.containerStatuses[].containerID}. */
    private String containerId(Pod pod) {
        return runningContainerId(pod).orElseThrow(() -> new K3sBackendException("K3S " + clusterName + ": pod "
                + pod.getMetadata().getName() + " has no running container " + mysqlContainer + " ("
                + PodReports.status(pod) + ")"));
    }

    private Optional<String> runningContainerId(Pod pod) {
        if (pod.getStatus() == null) {
            return Optional.empty();
        }
        return PodReports.list(pod.getStatus().getContainerStatuses()).stream()
                .filter(s -> mysqlContainer.equals(s.getName()))
                .filter(s -> s.getState() != null && s.getState().getRunning() != null)
                .map(ContainerStatus::getContainerID)
                .filter(id -> id != null && !id.isBlank())
                .map(K3sFaults::stripRuntime)
                .findFirst();
    }

    /** {@code containerd://3f2a...} to {@code 3f2a...}. */
    static String stripRuntime(String containerId) {
        int scheme = containerId.indexOf("://");
        return scheme < 0 ? containerId : containerId.substring(scheme + 3);
    }

    private static String shortId(String id) {
        return id.length() > 12 ? id.substring(0, 12) : id;
    }

    private static List<String> podIps(Pod pod) {
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

    /** containerd's tasks on the node: container id to the pid of its first process. */
    private Map<String, String> taskPids() {
        List<String> command = ctr("task", "ls");
        CommandResult result = node.run(command);
        LOG.debug("K3S {}: node$ {} -> exit code {}", clusterName, String.join(" ", command), result.exitCode());
        if (!result.succeeded()) {
            throw new K3sBackendException("K3S " + clusterName + ": cannot list containerd's tasks on the node: `"
                    + String.join(" ", command) + "` failed (exit code " + result.exitCode() + "): " + result.output());
        }
        String listing = result.stdout();
        Map<String, String> pids = new LinkedHashMap<>();
        for (String line : listing.split("\\R")) {
            String[] columns = line.strip().split("\\s+");
            if (columns.length >= 2 && !"TASK".equals(columns[0]) && columns[1].matches("\\d+")) {
                pids.put(columns[0], columns[1]);
            }
        }
        return pids;
    }

    private String pid(int ordinal, Map<String, String> tasks) {
        String id = containerId(pod(ordinal));
        String pid = tasks.get(id);
        if (pid == null || "0".equals(pid)) {
            throw new K3sBackendException("K3S " + clusterName + ": containerd on the node has no running task for"
                    + " container " + mysqlContainer + " (" + shortId(id) + ") of pod " + spec.podName(ordinal)
                    + "; it may be restarting");
        }
        return pid;
    }

    private Optional<String> pidIfRunning(int ordinal, Map<String, String> tasks) {
        Pod pod = client.pods().inNamespace(namespace).withName(spec.podName(ordinal)).get();
        return Optional.ofNullable(pod).flatMap(this::runningContainerId).map(tasks::get)
                .filter(pid -> !"0".equals(pid));
    }

    // ---------------------------------------------------------------- commands

    private static List<String> ctr(String... args) {
        return Stream.concat(Stream.of("ctr", "-n", "k8s.io"), Stream.of(args)).toList();
    }

    /** The command in the network namespace of the process {@code pid} (with the node's binaries). */
    private static List<String> inPod(String pid, String... command) {
        return Stream.concat(Stream.of("nsenter", "-t", pid, "-n"), Stream.of(command)).toList();
    }

    private void requireNode(String call) {
        if (node == null) {
            throw new UnsupportedOperationException("faults." + call + " on K3S works from the node"
                    + " (containerd, iptables and tc in the pod's network namespace), and this cluster ("
                    + clusterName + ") is reached only through its API server. It works on k3s started by the harness"
                    + " (backend K3S); deletePod, breakReadiness and restoreReadiness work on any cluster.");
        }
    }

    private CommandResult node(String fault, int ordinal, List<String> command) {
        CommandResult result = node.run(command);
        LOG.debug("K3S {}: {} {}: node$ {} -> exit code {}", clusterName, fault, spec.podName(ordinal),
                String.join(" ", command), result.exitCode());
        return result;
    }

    private String nodeOk(String fault, int ordinal, List<String> command) {
        CommandResult result = node(fault, ordinal, command);
        if (!result.succeeded()) {
            throw failure(fault, ordinal, command, result);
        }
        return result.stdout();
    }

    private CommandResult inContainer(String fault, int ordinal, List<String> command) {
        CommandResult result = containers.run(spec.podName(ordinal), mysqlContainer, command);
        LOG.debug("K3S {}: {} {}: exec in container {}: {} -> exit code {}", clusterName, fault,
                spec.podName(ordinal), mysqlContainer, String.join(" ", command), result.exitCode());
        return result;
    }

    private K3sBackendException failure(String fault, int ordinal, List<String> command, CommandResult result) {
        return new K3sBackendException("K3S " + clusterName + ": faults." + fault + "(" + ordinal + ") on pod "
                + spec.podName(ordinal) + ": `" + String.join(" ", command) + "` failed (exit code "
                + result.exitCode() + "): " + result.output());
    }

    /**
     * The StatefulSet's server container: the one named {@code mysql}, else the one whose readiness probe is
     * the spec's, else the one with the spec's port, else the first (as the manifest reader chooses it).
     */
    static String mysqlContainerName(ClusterSpec spec) {
        List<Container> containers = spec.objects().stream()
                .filter(o -> o instanceof StatefulSet && spec.statefulSetName().equals(o.getMetadata().getName()))
                .map(StatefulSet.class::cast)
                .findFirst()
                .map(sts -> PodReports.list(sts.getSpec().getTemplate().getSpec().getContainers()))
                .orElse(List.of());
        return containers.stream().filter(c -> "mysql".equals(c.getName())).findFirst()
                .or(() -> containers.stream().filter(c -> c.getReadinessProbe() != null
                        && c.getReadinessProbe().getExec() != null
                        && spec.readiness().command().equals(c.getReadinessProbe().getExec().getCommand())).findFirst())
                .or(() -> containers.stream().filter(c -> PodReports.list(c.getPorts()).stream()
                        .anyMatch(p -> Objects.equals(p.getContainerPort(), spec.port()))).findFirst())
                .or(() -> containers.stream().findFirst())
                .map(Container::getName)
                .orElse("mysql");
    }
}
