package dev.mysqlsts.k3s;

import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Network faults inside the pods' network namespaces, entered from the node with {@code nsenter}: iptables DROP
 * rules for cuts, iptables {@code statistic} DROP rules for loss, and netem ({@link NetemQdiscs}) for latency,
 * jitter and bandwidth.
 */
final class NetworkRules {

    private static final Logger LOG = LoggerFactory.getLogger(NetworkRules.class);

    /** The iptables chain holding the DROP rules of every cut; the INPUT and OUTPUT chains jump to it. */
    static final String CHAIN = "MYSQLSTS";
    /** The iptables chain holding a lossy pod's random DROP rules; the INPUT and OUTPUT chains jump to it. */
    static final String LOSS_CHAIN = "MYSQLSTS_LOSS";

    private final NodeCommands commands;
    private final ContainerTasks tasks;

    private final NetemQdiscs netem;
    /** Lossy pods and the probability, 0..1, that one of their packets to or from another pod is dropped. */
    private final Map<Integer, Double> losses = new TreeMap<>();
    /** Pods whose namespace got the loss chain in ip6tables too (an IPv6 peer). */
    private final Set<Integer> ip6LossChains = new TreeSet<>();
    /** Cuts in force, in the order made. */
    private final List<Cut> cuts = new ArrayList<>();
    /** Pods whose namespace got the chain in ip6tables too (an IPv6 peer). */
    private final Set<Integer> ip6Chains = new TreeSet<>();

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
        this.netem = new NetemQdiscs(commands, tasks);
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
            ensureChain("cut", ordinal, pid, tool, CHAIN);
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

    /**
     * Creates the chain and the jumps to it; a chain that exists already has its jumps (they go together).
     *
     * @return whether the chain was created now (false: it existed, with the rules it had)
     */
    private boolean ensureChain(String fault, int ordinal, String pid, String tool, String chain) {
        List<String> create = NodeCommands.inPod(pid, tool, "-w", "-N", chain);
        CommandResult created = commands.run(fault, ordinal, create);
        if (!created.succeeded()) {
            if (created.output().toLowerCase(Locale.ROOT).contains("already exists")) {
                return false;
            }
            throw commands.failure(fault, ordinal, create, created);
        }
        commands.ok(fault, ordinal, NodeCommands.inPod(pid, tool, "-w", "-I", "INPUT", "1", "-j", chain));
        commands.ok(fault, ordinal, NodeCommands.inPod(pid, tool, "-w", "-I", "OUTPUT", "1", "-j", chain));
        return true;
    }

    /**
     * In the pod's network namespace, drops each packet to and from the other pods' IPs with {@code probability}:
     * for each peer address, {@code -s} and {@code -d} rules with iptables' {@code statistic} match in random mode,
     * in the chain {@value #LOSS_CHAIN} (emptied first when it exists: the new probability replaces the old). No
     * {@code tc} is needed. The match draws per packet ({@code (get_random_u32() & 0x7FFFFFFF) < probability} in
     * the kernel's net/netfilter/xt_statistic.c; iptables' extensions/libxt_statistic.c takes {@code --mode random
     * --probability p} with p a decimal in 0..1). Only the pod's own namespace gets the rules, so a packet between two
     * lossy pods crosses two draws, as on LOCAL; the test's connections (port-forward over the pod's loopback) and
     * traffic through a Service's ClusterIP (translated outside the pod) match none.
     */
    synchronized void loss(int ordinal, double probability) {
        commands.require("loss(" + ordinal + ", " + percent(probability * 100) + ")");
        losses.put(ordinal, probability);
        Map<String, String> pids = tasks.taskPids();
        applyLoss(ordinal, pids, peerIps(ordinal));
    }

    private Map<Integer, List<String>> peerIps(int ordinal) {
        Map<Integer, List<String>> ips = new TreeMap<>();
        for (int pod = 0; pod < commands.spec().replicas(); pod++) {
            if (pod != ordinal) {
                ips.put(pod, ContainerTasks.podIps(tasks.pod(pod)));
            }
        }
        return ips;
    }

    private void applyLoss(int ordinal, Map<String, String> pids, Map<Integer, List<String>> peers) {
        String pid = tasks.pid(ordinal, pids);
        String probability = probability(losses.get(ordinal));
        List<String> addresses = peers.values().stream().flatMap(List::stream).toList();
        for (String tool : List.of("iptables", "ip6tables")) {
            List<String> mine = addresses.stream().filter(ip -> ip.contains(":") == tool.equals("ip6tables")).toList();
            if (mine.isEmpty()) {
                continue;
            }
            if (!ensureChain("loss", ordinal, pid, tool, LOSS_CHAIN)) {
                commands.ok("loss", ordinal, NodeCommands.inPod(pid, tool, "-w", "-F", LOSS_CHAIN));
            }
            if (tool.equals("ip6tables")) {
                ip6LossChains.add(ordinal);
            }
            for (String ip : mine) {
                for (String direction : List.of("-s", "-d")) {
                    commands.ok("loss", ordinal, NodeCommands.inPod(pid, tool, "-w", "-A", LOSS_CHAIN, direction, ip,
                            "-m", "statistic", "--mode", "random", "--probability", probability, "-j", "DROP"));
                }
            }
        }
    }

    /** The probability as iptables reads it: a plain decimal, no exponent, no trailing zeros. */
    static String probability(double probability) {
        return new BigDecimal(Double.toString(probability)).stripTrailingZeros().toPlainString();
    }

    private static String percent(double percent) {
        return new BigDecimal(Double.toString(percent)).round(new MathContext(12)).stripTrailingZeros().toPlainString();
    }

    /** Lossy pods: the probability, 0..1, of each. */
    synchronized Map<Integer, Double> losses() {
        return Map.copyOf(losses);
    }

    /** See {@link NetemQdiscs#latency}. */
    void latency(int ordinal, Duration delay) {
        netem.latency(ordinal, delay);
    }

    /** See {@link NetemQdiscs#jitter}. */
    void jitter(int ordinal, Duration delay, Duration jitter) {
        netem.jitter(ordinal, delay, jitter);
    }

    /** See {@link NetemQdiscs#bandwidth}. */
    void bandwidth(int ordinal, long bytesPerSecond) {
        netem.bandwidth(ordinal, bytesPerSecond);
    }

    /** Whether a cut names the pod. */
    synchronized boolean involves(int ordinal) {
        return cuts.stream().anyMatch(cut -> cut.pods().contains(ordinal));
    }

    /**
     * A recreated pod has a new namespace and IP: its netem is gone, every cut is made again from scratch, and every
     * loss again for the new IP.
     */
    synchronized void recreated(int ordinal) {
        netem.recreated(ordinal);
        ip6LossChains.remove(ordinal);
        if (commands.available() && !losses.isEmpty()) {
            LOG.debug("K3S {}: {} was recreated: making the losses again for its new IP", commands.clusterName(),
                    commands.spec().podName(ordinal));
            Map<String, String> pids = tasks.taskPids();
            for (int lossy : losses.keySet()) {
                applyLoss(lossy, pids, peerIps(lossy));
            }
        }
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
     * Removes every netem and empties the chains of every cut and lossy pod; what is gone already is skipped.
     */
    synchronized void restoreAll() {
        Set<Integer> netemPods = netem.pods();
        if (!commands.available() || netemPods.isEmpty() && cuts.isEmpty() && losses.isEmpty()) {
            netem.forget();
            cuts.clear();
            losses.clear();
            return;
        }
        Map<String, String> pids;
        try {
            pids = tasks.taskPids();
        } catch (RuntimeException e) {
            LOG.warn("K3S {}: could not undo the delays, cuts and losses on {} (the next restore tries again): {}",
                    commands.clusterName(), Stream.of(netemPods, cutPods(), losses.keySet()).flatMap(Set::stream)
                            .distinct().sorted().map(commands.spec()::podName).collect(Collectors.joining(", ")),
                    e.getMessage());
            return;
        }
        netem.restoreAll(pids);
        for (int ordinal : cutPods()) {
            commands.attempt("cut", ordinal, () -> flush("restoreAll", ordinal, pids));
        }
        cuts.clear();
        ip6Chains.clear();
        for (int ordinal : losses.keySet()) {
            commands.attempt("loss", ordinal, () -> tasks.pidIfRunning(ordinal, pids).ifPresent(pid -> {
                commands.undo("restoreAll", ordinal, NodeCommands.inPod(pid, "iptables", "-w", "-F", LOSS_CHAIN));
                if (ip6LossChains.contains(ordinal)) {
                    commands.undo("restoreAll", ordinal, NodeCommands.inPod(pid, "ip6tables", "-w", "-F", LOSS_CHAIN));
                }
            }));
        }
        losses.clear();
        ip6LossChains.clear();
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
