package dev.mysqlsts.k3s;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Network faults inside the pods' network namespaces, entered from the node with {@code nsenter}: iptables DROP
 * rules for cuts, netem for latency.
 */
final class NetworkRules {

    private static final Logger LOG = LoggerFactory.getLogger(NetworkRules.class);

    /** The iptables chain holding the DROP rules of every cut; the INPUT and OUTPUT chains jump to it. */
    static final String CHAIN = "MYSQLSTS";
    /** The interface of a pod's network namespace (k3s's flannel, and most CNIs, name it so). */
    static final String POD_INTERFACE = "eth0";
    /**
     * netem's queue, in packets. Its default (1000) would drop packets once more than 1000 are in flight
     * during the delay (about 7 MB/s at 200 ms), adding a loss nobody asked for.
     */
    static final String NETEM_LIMIT = "100000";

    private static final Pattern PEER_INDEX = Pattern.compile("\\b" + POD_INTERFACE + "@if(\\d+):");
    private static final Pattern LINK_LINE = Pattern.compile("^(\\d+):\\s+([^:@\\s]+)(?:@[^:\\s]*)?:");

    private final NodeCommands commands;
    private final ContainerTasks tasks;

    /** Pods with netem on their interface. */
    private final Set<Integer> delayed = new TreeSet<>();
    /** Cuts in force, in the order made. */
    private final List<Cut> cuts = new ArrayList<>();
    /** Pods whose namespace got the chain in ip6tables too (an IPv6 peer). */
    private final Set<Integer> ip6Chains = new TreeSet<>();
    /** Why latency cannot work on this node; "" once checked and fine, null before the check. */
    private String netemProblem;

    /**
     * Packets from the pods of {@code side} to those of {@code otherSide} are dropped, and, unless
     * {@code oneWay}, those back too.
     */
    private record Cut(Set<Integer> side, Set<Integer> otherSide, boolean oneWay) {
        Set<Integer> pods() {
            Set<Integer> all = new TreeSet<>(side);
            all.addAll(otherSide);
            return all;
        }
    }

    NetworkRules(NodeCommands commands, ContainerTasks tasks) {
        this.commands = commands;
        this.tasks = tasks;
    }

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
    synchronized void cut(Set<Integer> side, Set<Integer> otherSide) {
        commands.require("isolate/partition(" + side + " | " + otherSide + ")");
        Cut cut = new Cut(new TreeSet<>(side), new TreeSet<>(otherSide), false);
        cuts.add(cut);
        apply(cut, tasks.taskPids());
    }

    /**
     * Packets from pod {@code from} to pod {@code to} are dropped, those from {@code to} to {@code from} pass:
     * in {@code from}'s namespace a DROP of what leaves for {@code to} ({@code -d}), in {@code to}'s a DROP of
     * what arrives from {@code from} ({@code -s}). A TCP connection across such a cut stalls (its
     * acknowledgements are lost one way), while datagrams and new connections the other way still get through.
     */
    synchronized void cutOneWay(int from, int to) {
        commands.require("cut(" + from + ", " + to + ")");
        Cut cut = new Cut(new TreeSet<>(Set.of(from)), new TreeSet<>(Set.of(to)), true);
        cuts.add(cut);
        apply(cut, tasks.taskPids());
    }

    private void apply(Cut cut, Map<String, String> pids) {
        Map<Integer, List<String>> ips = new TreeMap<>();
        for (int ordinal : cut.pods()) {
            ips.put(ordinal, ContainerTasks.podIps(tasks.pod(ordinal)));
        }
        if (cut.oneWay()) {
            int from = cut.side().iterator().next();
            int to = cut.otherSide().iterator().next();
            drop(from, pids, ips.get(to), List.of("-d"));
            drop(to, pids, ips.get(from), List.of("-s"));
            return;
        }
        for (int ordinal : cut.side()) {
            drop(ordinal, pids, cut.otherSide().stream().flatMap(n -> ips.get(n).stream()).toList(),
                    List.of("-s", "-d"));
        }
        for (int ordinal : cut.otherSide()) {
            drop(ordinal, pids, cut.side().stream().flatMap(n -> ips.get(n).stream()).toList(), List.of("-s", "-d"));
        }
    }

    /** In the pod's network namespace: the chain (once), then for each address a DROP per direction flag. */
    private void drop(int ordinal, Map<String, String> pids, List<String> addresses, List<String> directions) {
        String pid = tasks.pid(ordinal, pids);
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
                for (String direction : directions) {
                    commands.ok("cut", ordinal, NodeCommands.inPod(pid, tool, "-w", "-A", CHAIN, direction, ip, "-j",
                            "DROP"));
                }
            }
        }
    }

    /** Creates the chain and the jumps to it; a chain that exists already has its jumps (they go together). */
    private void ensureChain(int ordinal, String pid, String tool) {
        List<String> create = NodeCommands.inPod(pid, tool, "-w", "-N", CHAIN);
        CommandResult created = commands.run("cut", ordinal, create);
        if (!created.succeeded()) {
            if (created.output().toLowerCase(Locale.ROOT).contains("already exists")) {
                return;
            }
            throw commands.failure("cut", ordinal, create, created);
        }
        commands.ok("cut", ordinal, NodeCommands.inPod(pid, tool, "-w", "-I", "INPUT", "1", "-j", CHAIN));
        commands.ok("cut", ordinal, NodeCommands.inPod(pid, tool, "-w", "-I", "OUTPUT", "1", "-j", CHAIN));
    }

    /** Whether a cut names the pod. */
    synchronized boolean involves(int ordinal) {
        return cuts.stream().anyMatch(cut -> cut.pods().contains(ordinal));
    }

    /** A recreated pod has a new namespace and IP: its delay is gone, and every cut is made again from scratch. */
    synchronized void recreated(int ordinal) {
        delayed.remove(ordinal);
        if (!commands.available() || !involves(ordinal)) {
            return;
        }
        LOG.debug("K3S {}: {} was recreated: making the cuts again for its new IP", commands.clusterName(),
                commands.spec().podName(ordinal));
        Map<String, String> pids = tasks.taskPids();
        for (int pod : cutPods()) {
            flush("deletePod", pod, pids);
        }
        for (Cut cut : cuts) {
            apply(cut, pids);
        }
    }

    private Set<Integer> cutPods() {
        return cuts.stream().flatMap(cut -> cut.pods().stream()).collect(Collectors.toCollection(TreeSet::new));
    }

    /**
     * netem on the pod's interface, both ways: on {@value #POD_INTERFACE} inside the pod's network namespace
     * for what the pod sends, and on its peer, the host side of the veth pair in the node's namespace, for
     * what it receives. So every byte to and from the pod is delayed by {@code delay}, as on LOCAL. Needs
     * iproute2's {@code tc} on the node and the kernel's {@code sch_netem}; otherwise
     * {@link UnsupportedOperationException}.
     */
    synchronized void latency(int ordinal, Duration delay) {
        commands.require("latency(" + ordinal + ", " + delay + ")");
        if (delay.isZero()) {
            if (delayed.remove(ordinal)) {
                removeNetem("latency", ordinal, tasks.pid(ordinal, tasks.taskPids()), true);
            }
            return;
        }
        checkNetem(ordinal, delay);
        String pid = tasks.pid(ordinal, tasks.taskPids());
        String hostSide = hostInterface(ordinal, pid);
        String amount = netemDelay(delay);
        netem(ordinal, delay, NodeCommands.inPod(pid, "tc", "qdisc", "replace", "dev", POD_INTERFACE, "root", "netem",
                "delay", amount, "limit", NETEM_LIMIT));
        delayed.add(ordinal);
        netem(ordinal, delay, List.of("tc", "qdisc", "replace", "dev", hostSide, "root", "netem", "delay", amount,
                "limit", NETEM_LIMIT));
    }

    private void netem(int ordinal, Duration delay, List<String> command) {
        CommandResult result = commands.run("latency", ordinal, command);
        if (result.succeeded()) {
            return;
        }
        String output = result.output().toLowerCase(Locale.ROOT);
        if (output.contains("unknown") || output.contains("not supported")) {
            throw unsupportedLatency(ordinal, delay, "the node's kernel or tc has no netem qdisc (`"
                    + String.join(" ", command) + "` answered: " + result.output() + "); netem is the kernel module"
                    + " sch_netem of the Docker host");
        }
        throw commands.failure("latency", ordinal, command, result);
    }

    /**
     * Once per cluster: is there a tc on the node, and is it iproute2's? The rancher/k3s image has none: of the
     * sbin tools, k3s-root copies only {@code blkid}, {@code ip} and {@code losetup} into its bin (k3s-io/k3s-root
     * {@code scripts/package}), and BusyBox links only the applets that are links to busybox in its build. A k3s
     * image with iproute2's tc added works.
     */
    private void checkNetem(int ordinal, Duration delay) {
        if (netemProblem == null) {
            CommandResult which = commands.run("latency", ordinal, List.of("sh", "-c", "command -v tc"));
            String path = which.stdout().strip();
            if (!which.succeeded() || path.isEmpty()) {
                netemProblem = "the node has no tc (the traffic-control tool of iproute2, which netem needs; the"
                        + " rancher/k3s image ships none)";
            } else {
                CommandResult version = commands.run("latency", ordinal, List.of("tc", "-V"));
                netemProblem = version.output().contains("iproute2") ? ""
                        : "the node's tc (" + path + ") is not iproute2's and has no netem";
            }
        }
        if (!netemProblem.isEmpty()) {
            throw unsupportedLatency(ordinal, delay, netemProblem);
        }
    }

    private UnsupportedOperationException unsupportedLatency(int ordinal, Duration delay, String why) {
        return new UnsupportedOperationException("faults.latency(" + ordinal + ", " + delay + ") is not supported on"
                + " K3S here: " + why + ". A k3s image with iproute2's tc added (property " + K3sSettings.K3S_IMAGE
                + ") makes it work; the LOCAL backend supports latency everywhere:"
                + " @MySqlStatefulSet(backend = Backend.LOCAL).");
    }

    /** The host side of the pod's veth pair: the node's interface whose index is the peer of the pod's eth0. */
    private String hostInterface(int ordinal, String pid) {
        String podLink = commands.ok("latency", ordinal, NodeCommands.inPod(pid, "ip", "-o", "link", "show", "dev",
                POD_INTERFACE));
        Matcher peer = PEER_INDEX.matcher(podLink);
        if (!peer.find()) {
            throw new K3sBackendException("K3S " + commands.clusterName() + ": latency "
                    + commands.spec().podName(ordinal) + ": " + POD_INTERFACE + " of the pod is not one end of a veth"
                    + " pair: " + podLink.strip());
        }
        String index = peer.group(1);
        String nodeLinks = commands.ok("latency", ordinal, List.of("ip", "-o", "link", "show"));
        for (String line : nodeLinks.split("\\R")) {
            Matcher link = LINK_LINE.matcher(line);
            if (link.find() && link.group(1).equals(index)) {
                return link.group(2);
            }
        }
        throw new K3sBackendException("K3S " + commands.clusterName() + ": latency " + commands.spec().podName(ordinal)
                + ": the node has no interface with index " + index + ", the peer of the pod's " + POD_INTERFACE);
    }

    private void removeNetem(String fault, int ordinal, String pid, boolean strict) {
        removeQdisc(fault, ordinal, NodeCommands.inPod(pid, "tc", "qdisc", "del", "dev", POD_INTERFACE, "root"), strict);
        removeQdisc(fault, ordinal, List.of("tc", "qdisc", "del", "dev", hostInterface(ordinal, pid), "root"), strict);
    }

    private void removeQdisc(String fault, int ordinal, List<String> command, boolean strict) {
        if (strict) {
            CommandResult result = commands.run(fault, ordinal, command);
            if (!result.succeeded() && !NodeCommands.nothingToUndo(result)) {
                throw commands.failure(fault, ordinal, command, result);
            }
        } else {
            commands.undo(fault, ordinal, command);
        }
    }

    static String netemDelay(Duration delay) {
        long nanos = delay.toNanos();
        return nanos % 1_000_000 == 0 ? nanos / 1_000_000 + "ms" : Math.max(1, nanos / 1_000) + "us";
    }

    /** Removes every delay and empties the chains of every cut pod; what is gone already is skipped. */
    synchronized void restoreAll() {
        if (!commands.available() || delayed.isEmpty() && cuts.isEmpty()) {
            delayed.clear();
            cuts.clear();
            return;
        }
        Map<String, String> pids;
        try {
            pids = tasks.taskPids();
        } catch (RuntimeException e) {
            LOG.warn("K3S {}: could not undo the delays and cuts on {} (the next restore tries again): {}",
                    commands.clusterName(), Stream.concat(delayed.stream(), cutPods().stream()).distinct().sorted()
                            .map(commands.spec()::podName).collect(Collectors.joining(", ")), e.getMessage());
            return;
        }
        for (int ordinal : delayed) {
            commands.attempt("latency", ordinal, () -> tasks.pidIfRunning(ordinal, pids)
                    .ifPresent(pid -> removeNetem("restoreAll", ordinal, pid, false)));
        }
        delayed.clear();
        for (int ordinal : cutPods()) {
            commands.attempt("cut", ordinal, () -> flush("restoreAll", ordinal, pids));
        }
        cuts.clear();
        ip6Chains.clear();
    }

    /** Empties the chain in the pod's namespace (it stays, with its jumps, and matches nothing). */
    private void flush(String fault, int ordinal, Map<String, String> pids) {
        Optional<String> pid = tasks.pidIfRunning(ordinal, pids);
        if (pid.isEmpty()) {
            return;
        }
        commands.undo(fault, ordinal, NodeCommands.inPod(pid.get(), "iptables", "-w", "-F", CHAIN));
        if (ip6Chains.contains(ordinal)) {
            commands.undo(fault, ordinal, NodeCommands.inPod(pid.get(), "ip6tables", "-w", "-F", CHAIN));
        }
    }
}
