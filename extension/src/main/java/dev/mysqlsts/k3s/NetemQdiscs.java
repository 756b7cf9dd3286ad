package dev.mysqlsts.k3s;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The delays, jitters and bandwidth limits of the pods' interfaces: one netem qdisc per end of each shaped pod's
 * veth pair, made from the node with iproute2's {@code tc}. A pod with a latency, a jitter and a limit gets one
 * netem that does all three ({@code delay D J rate R}); what is left when one is removed stays.
 *
 * <p>Sources: iproute2's tc/q_netem.c ({@code delay TIME [ JITTER [CORRELATION]]}, {@code rate RATE}, {@code limit
 * PACKETS}); tc/tc_util.c (a rate with the suffix {@code bit} is bits per second, so the harness gives bits and
 * never the ambiguous {@code bps}, which tc reads as bytes); the kernel's net/sched/sch_netem.c ({@code tabledist}:
 * with no distribution table the jitter is uniform in {@code delay-jitter..delay+jitter}, as on LOCAL; the rate
 * option since Linux 3.3). netem may reorder packets when the jitter exceeds their spacing; TCP puts the bytes back
 * in order, so the stream, as on LOCAL, keeps its order.
 */
final class NetemQdiscs {

    /** The interface of a pod's network namespace (k3s's flannel, and most CNIs, name it so). */
    static final String POD_INTERFACE = "eth0";
    /**
     * netem's queue, in packets. Its default (1000) would drop packets once more than 1000 are in flight
     * during the delay (about 7 MB/s at 200 ms), adding a loss nobody asked for.
     */
    static final String NETEM_LIMIT = "100000";

    private static final Pattern PEER_INDEX = Pattern.compile("\\b" + POD_INTERFACE + "@if(\\d+):");
    private static final Pattern LINK_LINE = Pattern.compile("^(\\d+):\\s+([^:@\\s]+)(?:@[^:\\s]*)?:");

    /** What one pod's netem does; all zero: no netem. */
    record Shape(Duration latency, Duration jitterDelay, Duration jitter, long bytesPerSecond) {

        static final Shape NONE = new Shape(Duration.ZERO, Duration.ZERO, Duration.ZERO, 0);

        boolean isNone() {
            return equals(NONE);
        }

        /** netem's arguments: {@code [delay D [J]] [rate Rbit] limit N}. */
        List<String> args() {
            List<String> args = new ArrayList<>();
            Duration delay = latency.plus(jitterDelay);
            if (!delay.isZero() || !jitter.isZero()) {
                args.add("delay");
                args.add(netemDelay(delay));
                if (!jitter.isZero()) {
                    args.add(netemDelay(jitter));
                }
            }
            if (bytesPerSecond > 0) {
                args.add("rate");
                args.add(bytesPerSecond * 8 + "bit");
            }
            args.add("limit");
            args.add(NETEM_LIMIT);
            return args;
        }
    }

    private final NodeCommands commands;
    private final ContainerTasks tasks;
    /** Pods with netem on their interface, and what it does. */
    private final Map<Integer, Shape> shaped = new TreeMap<>();
    /** Why netem cannot work on this node; "" once checked and fine, null before the check. */
    private String netemProblem;

    NetemQdiscs(NodeCommands commands, ContainerTasks tasks) {
        this.commands = commands;
        this.tasks = tasks;
    }

    /**
     * netem on the pod's interface, both ways: on {@value #POD_INTERFACE} inside the pod's network namespace
     * for what the pod sends, and on its peer, the host side of the veth pair in the node's namespace, for
     * what it receives. So every byte to and from the pod is delayed by {@code delay}, as on LOCAL. Needs
     * iproute2's {@code tc} on the node and the kernel's {@code sch_netem}; otherwise
     * {@link UnsupportedOperationException}.
     */
    synchronized void latency(int ordinal, Duration delay) {
        change("latency", "latency(" + ordinal + ", " + delay + ")", ordinal,
                s -> new Shape(delay, s.jitterDelay(), s.jitter(), s.bytesPerSecond()));
    }

    /**
     * netem's {@code delay D J} on both ends of the pod's veth pair: every packet to and from the pod delayed by
     * uniform(D-J, D+J). On the pod's interface as a whole: its links to the other pods, and its DNS lookups; the
     * test's connections come through the port-forward over the pod's loopback and are not touched.
     */
    synchronized void jitter(int ordinal, Duration delay, Duration jitter) {
        change("jitter", "jitter(" + ordinal + ", " + delay + ", " + jitter + ")", ordinal,
                s -> new Shape(s.latency(), delay, jitter, s.bytesPerSecond()));
    }

    /**
     * netem's {@code rate} on both ends of the pod's veth pair: what the pod sends, and what it receives, each paced
     * to {@code bytesPerSecond} (queued up to {@value #NETEM_LIMIT} packets, not dropped).
     */
    synchronized void bandwidth(int ordinal, long bytesPerSecond) {
        change("bandwidth", "bandwidth(" + ordinal + ", " + bytesPerSecond + ")", ordinal,
                s -> new Shape(s.latency(), s.jitterDelay(), s.jitter(), bytesPerSecond));
    }

    private void change(String fault, String call, int ordinal, UnaryOperator<Shape> change) {
        commands.require(call);
        Shape before = shaped.getOrDefault(ordinal, Shape.NONE);
        Shape after = change.apply(before);
        if (after.isNone()) {
            if (shaped.remove(ordinal) != null) {
                remove(fault, ordinal, tasks.pid(ordinal, tasks.taskPids()), true);
            }
            return;
        }
        checkNetem(fault, call, ordinal);
        String pid = tasks.pid(ordinal, tasks.taskPids());
        String hostSide = hostInterface(fault, ordinal, pid);
        List<String> args = after.args();
        netem(fault, call, ordinal, concat(NodeCommands.inPod(pid, "tc", "qdisc", "replace", "dev", POD_INTERFACE,
                "root", "netem"), args));
        shaped.put(ordinal, after);
        netem(fault, call, ordinal, concat(List.of("tc", "qdisc", "replace", "dev", hostSide, "root", "netem"), args));
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private void netem(String fault, String call, int ordinal, List<String> command) {
        CommandResult result = commands.run(fault, ordinal, command);
        if (result.succeeded()) {
            return;
        }
        String output = result.output().toLowerCase(Locale.ROOT);
        if (output.contains("unknown") || output.contains("not supported")) {
            throw unsupported(fault, call, "the node's kernel or tc has no netem qdisc (`" + String.join(" ", command)
                    + "` answered: " + result.output() + "); netem is the kernel module sch_netem of the Docker host");
        }
        throw commands.failure(fault, ordinal, command, result);
    }

    /**
     * Once per cluster: is there a tc on the node, and is it iproute2's? The rancher/k3s image has none: of the
     * sbin tools, k3s-root copies only {@code blkid}, {@code ip} and {@code losetup} into its bin (k3s-io/k3s-root
     * {@code scripts/package}), and BusyBox links only the applets that are links to busybox in its build. A k3s
     * image with iproute2's tc added works.
     */
    private void checkNetem(String fault, String call, int ordinal) {
        if (netemProblem == null) {
            CommandResult which = commands.run(fault, ordinal, List.of("sh", "-c", "command -v tc"));
            String path = which.stdout().strip();
            if (!which.succeeded() || path.isEmpty()) {
                netemProblem = "the node has no tc (the traffic-control tool of iproute2, which netem needs; the"
                        + " rancher/k3s image ships none)";
            } else {
                CommandResult version = commands.run(fault, ordinal, List.of("tc", "-V"));
                netemProblem = version.output().contains("iproute2") ? ""
                        : "the node's tc (" + path + ") is not iproute2's and has no netem";
            }
        }
        if (!netemProblem.isEmpty()) {
            throw unsupported(fault, call, netemProblem);
        }
    }

    private UnsupportedOperationException unsupported(String fault, String call, String why) {
        return new UnsupportedOperationException("faults." + call + " is not supported on K3S here: " + why + ". A k3s"
                + " image with iproute2's tc added (property " + K3sSettings.K3S_IMAGE + ") makes it work; the LOCAL"
                + " backend supports " + fault + " everywhere: @MySqlStatefulSet(backend = Backend.LOCAL).");
    }

    /** The host side of the pod's veth pair: the node's interface whose index is the peer of the pod's eth0. */
    private String hostInterface(String fault, int ordinal, String pid) {
        String podLink = commands.ok(fault, ordinal, NodeCommands.inPod(pid, "ip", "-o", "link", "show", "dev",
                POD_INTERFACE));
        Matcher peer = PEER_INDEX.matcher(podLink);
        if (!peer.find()) {
            throw new K3sBackendException("K3S " + commands.clusterName() + ": " + fault + " "
                    + commands.spec().podName(ordinal) + ": " + POD_INTERFACE + " of the pod is not one end of a veth"
                    + " pair: " + podLink.strip());
        }
        String index = peer.group(1);
        String nodeLinks = commands.ok(fault, ordinal, List.of("ip", "-o", "link", "show"));
        for (String line : nodeLinks.split("\\R")) {
            Matcher link = LINK_LINE.matcher(line);
            if (link.find() && link.group(1).equals(index)) {
                return link.group(2);
            }
        }
        throw new K3sBackendException("K3S " + commands.clusterName() + ": " + fault + " "
                + commands.spec().podName(ordinal) + ": the node has no interface with index " + index
                + ", the peer of the pod's " + POD_INTERFACE);
    }

    private void remove(String fault, int ordinal, String pid, boolean strict) {
        removeQdisc(fault, ordinal, NodeCommands.inPod(pid, "tc", "qdisc", "del", "dev", POD_INTERFACE, "root"), strict);
        removeQdisc(fault, ordinal, List.of("tc", "qdisc", "del", "dev", hostInterface(fault, ordinal, pid), "root"),
                strict);
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

    /** The pods with a netem. */
    synchronized Set<Integer> pods() {
        return Set.copyOf(shaped.keySet());
    }

    /** A recreated pod has a new namespace and veth pair: its netem went with the old ones. */
    synchronized void recreated(int ordinal) {
        shaped.remove(ordinal);
    }

    /** Removes every netem; what is gone already is skipped, other failures are logged. */
    synchronized void restoreAll(Map<String, String> pids) {
        for (int ordinal : shaped.keySet()) {
            commands.attempt("latency", ordinal, () -> tasks.pidIfRunning(ordinal, pids)
                    .ifPresent(pid -> remove("restoreAll", ordinal, pid, false)));
        }
        shaped.clear();
    }

    /** Forgets every netem without a command (the node cannot be reached). */
    synchronized void forget() {
        shaped.clear();
    }
}
