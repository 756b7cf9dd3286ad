package dev.mysqlsts.k3s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mysqlsts.backend.FaultInjector;
import dev.mysqlsts.manifest.ClusterSpec;
import dev.mysqlsts.manifest.ManifestLoader;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The K3S faults: the exact commands run on the node (recorded, since no k3s runs here) and in the mysql
 * container, and what goes through the (mock) API server. Pods mysql-0..2 run with IPs 10.42.0.10..12 and
 * mysql containers c0de00..02, whose containerd tasks have pids 1000..1002.
 */
@EnableKubernetesMockClient(crud = true)
class K3sFaultsTest {

    private static final String NS = "mysqlsts-faults";
    private static final String TASKS = """
            TASK                                                                PID     STATUS
            c0de00                                                              1000    RUNNING
            c0de01                                                              1001    RUNNING
            c0de02                                                              1002    RUNNING
            c0de00-xtrabackup                                                   1100    RUNNING
            """;

    KubernetesMockServer server;
    KubernetesClient client;

    @TempDir
    Path diagnostics;

    private final ClusterSpec spec = ManifestLoader.load("", 3);
    private final RecordingNodeShell node = new RecordingNodeShell()
            .answer("ctr -n k8s.io task ls", CommandResult.ok(TASKS));
    private final RecordingContainerShell containers = new RecordingContainerShell()
            .answer("sh -c command -v mysql", CommandResult.ok("/usr/bin/mysql\n"));
    private FakeKubelet kubelet;
    private StatefulSet statefulSet;
    private K3sFaults faults;

    @BeforeEach
    void threeRunningPods() {
        kubelet = new FakeKubelet(server, client, NS);
        statefulSet = spec.objects().stream().filter(StatefulSet.class::isInstance).map(StatefulSet.class::cast)
                .findFirst().orElseThrow();
        for (int n = 0; n < 3; n++) {
            kubelet.createPod(statefulSet, n);
            kubelet.ready("mysql-" + n);
            kubelet.network("mysql-" + n, "10.42.0.1" + n, "c0de0" + n);
        }
        faults = faults(node, MockCluster.PATIENCE);
    }

    private K3sFaults faults(NodeShell nodeShell, Duration recreateTimeout) {
        return new K3sFaults("mysql#faults", spec, client, NS, nodeShell, containers, recreateTimeout);
    }

    @Test
    void killSigkillsTheMysqlContainersTaskThroughContainerdAndWaitsForTheKubeletToSeeIt() throws Exception {
        CompletableFuture<Void> kill = CompletableFuture.runAsync(() -> faults.kill(1));
        long deadline = System.nanoTime() + MockCluster.PATIENCE.toNanos();
        List<String> ran = List.of();
        while (ran.isEmpty() && System.nanoTime() < deadline && !kill.isDone()) {
            Thread.sleep(5);
            ran = node.take();
        }
        assertEquals(List.of("ctr -n k8s.io task kill -s SIGKILL c0de01"), ran);
        kubelet.network("mysql-1", "10.42.0.11", "c0de11"); // the kubelet restarted it: a new container id

        join(kill);
    }

    @Test
    void pauseAndResumeStopAndContinueTheMysqlContainersMainProcess() {
        faults.pause(2);
        assertEquals(List.of("ctr -n k8s.io task kill -s SIGSTOP c0de02"), node.take());

        faults.resume(2);
        assertEquals(List.of("ctr -n k8s.io task kill -s SIGCONT c0de02"), node.take());
    }

    @Test
    void resumeOfAContainerTheKubeletRestartedMeanwhileIsNotAnError() {
        faults.pause(2);
        node.answer("ctr -n k8s.io task kill -s SIGCONT", CommandResult.failed(1,
                "ctr: container \"c0de02\" in namespace \"k8s.io\": not found"));

        faults.resume(2);
    }

    @Test
    void aPartitionDropsBothWaysInTheNetworkNamespaceOfEveryPodOnEitherSide() {
        faults.cut(Set.of(0), Set.of(1, 2));

        assertEquals(List.of(
                "ctr -n k8s.io task ls",
                "nsenter -t 1000 -n iptables -w -N MYSQLSTS",
                "nsenter -t 1000 -n iptables -w -I INPUT 1 -j MYSQLSTS",
                "nsenter -t 1000 -n iptables -w -I OUTPUT 1 -j MYSQLSTS",
                "nsenter -t 1000 -n iptables -w -A MYSQLSTS -s 10.42.0.11 -j DROP",
                "nsenter -t 1000 -n iptables -w -A MYSQLSTS -d 10.42.0.11 -j DROP",
                "nsenter -t 1000 -n iptables -w -A MYSQLSTS -s 10.42.0.12 -j DROP",
                "nsenter -t 1000 -n iptables -w -A MYSQLSTS -d 10.42.0.12 -j DROP",
                "nsenter -t 1001 -n iptables -w -N MYSQLSTS",
                "nsenter -t 1001 -n iptables -w -I INPUT 1 -j MYSQLSTS",
                "nsenter -t 1001 -n iptables -w -I OUTPUT 1 -j MYSQLSTS",
                "nsenter -t 1001 -n iptables -w -A MYSQLSTS -s 10.42.0.10 -j DROP",
                "nsenter -t 1001 -n iptables -w -A MYSQLSTS -d 10.42.0.10 -j DROP",
                "nsenter -t 1002 -n iptables -w -N MYSQLSTS",
                "nsenter -t 1002 -n iptables -w -I INPUT 1 -j MYSQLSTS",
                "nsenter -t 1002 -n iptables -w -I OUTPUT 1 -j MYSQLSTS",
                "nsenter -t 1002 -n iptables -w -A MYSQLSTS -s 10.42.0.10 -j DROP",
                "nsenter -t 1002 -n iptables -w -A MYSQLSTS -d 10.42.0.10 -j DROP"), node.take());
    }

    @Test
    void aOneWayCutDropsWhatLeavesTheSenderForTheReceiverAndWhatReachesTheReceiverFromTheSender() {
        faults.cutOneWay(0, 2);

        assertEquals(List.of(
                "ctr -n k8s.io task ls",
                "nsenter -t 1000 -n iptables -w -N MYSQLSTS",
                "nsenter -t 1000 -n iptables -w -I INPUT 1 -j MYSQLSTS",
                "nsenter -t 1000 -n iptables -w -I OUTPUT 1 -j MYSQLSTS",
                "nsenter -t 1000 -n iptables -w -A MYSQLSTS -d 10.42.0.12 -j DROP",
                "nsenter -t 1002 -n iptables -w -N MYSQLSTS",
                "nsenter -t 1002 -n iptables -w -I INPUT 1 -j MYSQLSTS",
                "nsenter -t 1002 -n iptables -w -I OUTPUT 1 -j MYSQLSTS",
                "nsenter -t 1002 -n iptables -w -A MYSQLSTS -s 10.42.0.10 -j DROP"), node.take(),
                "mysql-2 to mysql-0 is untouched: no -s 10.42.0.12 on mysql-0, no -d 10.42.0.10 on mysql-2");

        faults.restoreAll();
        assertEquals(List.of(
                "ctr -n k8s.io task ls",
                "nsenter -t 1000 -n iptables -w -F MYSQLSTS",
                "nsenter -t 1002 -n iptables -w -F MYSQLSTS"), node.take(), "mysql-1 was never touched");
    }

    @Test
    void aOneWayCutNeedsTheNode() {
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                () -> faults(null, MockCluster.PATIENCE).cutOneWay(1, 0));
        assertTrue(e.getMessage().contains("faults.cut(1, 0) on K3S works from the node"), e.getMessage());
    }

    @Test
    void aChainThatExistsAlreadyKeepsItsJumpsAndOnlyGetsTheNewRules() {
        node.answer("nsenter -t 1002 -n iptables -w -N", CommandResult.failed(1, "iptables: Chain already exists."));

        faults.cut(Set.of(2), Set.of(0, 1));

        List<String> onPod2 = node.take().stream().filter(c -> c.startsWith("nsenter -t 1002 ")).toList();
        assertEquals(List.of(
                "nsenter -t 1002 -n iptables -w -N MYSQLSTS",
                "nsenter -t 1002 -n iptables -w -A MYSQLSTS -s 10.42.0.10 -j DROP",
                "nsenter -t 1002 -n iptables -w -A MYSQLSTS -d 10.42.0.10 -j DROP",
                "nsenter -t 1002 -n iptables -w -A MYSQLSTS -s 10.42.0.11 -j DROP",
                "nsenter -t 1002 -n iptables -w -A MYSQLSTS -d 10.42.0.11 -j DROP"), onPod2);
    }

    @Test
    void latencyPutsNetemOnBothEndsOfThePodsVethPairWhereTheNodeHasIproute2sTc() {
        withIproute2Tc();

        faults.latency(1, Duration.ofMillis(200));
        assertEquals(List.of(
                "sh -c command -v tc",
                "tc -V",
                "ctr -n k8s.io task ls",
                "nsenter -t 1001 -n ip -o link show dev eth0",
                "ip -o link show",
                "nsenter -t 1001 -n tc qdisc replace dev eth0 root netem delay 200ms limit 100000",
                "tc qdisc replace dev veth1b2c3d4e root netem delay 200ms limit 100000"), node.take());

        faults.latency(1, Duration.ZERO);
        assertEquals(List.of(
                "ctr -n k8s.io task ls",
                "nsenter -t 1001 -n tc qdisc del dev eth0 root",
                "nsenter -t 1001 -n ip -o link show dev eth0",
                "ip -o link show",
                "tc qdisc del dev veth1b2c3d4e root"), node.take(), "tc is checked once; ZERO removes both qdiscs");
    }

    @Test
    void clockDiskAndPowerFaultsAreRefusedWithWhatWouldBeNeededAndTouchNothing() {
        UnsupportedOperationException clock = assertThrows(UnsupportedOperationException.class,
                () -> faults.clockSkew(1, Duration.ofSeconds(30)));
        assertTrue(clock.getMessage().contains("time namespaces") && clock.getMessage().contains("TimeChaos"),
                clock.getMessage());
        UnsupportedOperationException disk = assertThrows(UnsupportedOperationException.class,
                () -> faults.diskFault(1, dev.mysqlsts.backend.DiskFault.FULL));
        assertTrue(disk.getMessage().startsWith("faults.diskFull(1)") && disk.getMessage().contains("IOChaos"),
                disk.getMessage());
        assertTrue(assertThrows(UnsupportedOperationException.class,
                () -> faults.diskFault(1, dev.mysqlsts.backend.DiskFault.IO_ERRORS)).getMessage()
                .startsWith("faults.ioErrors(1)"));
        UnsupportedOperationException power = assertThrows(UnsupportedOperationException.class, faults::powerCut);
        assertTrue(power.getMessage().startsWith("faults.powerCut()") && power.getMessage().contains("LazyFS"),
                power.getMessage());
        faults.restoreHost();
        assertEquals(List.of(), node.take(), "nothing is run on the node");
    }

    @Test
    void latencyWithoutTcOnTheNodeIsUnsupportedAndSaysWhatIsMissing() {
        node.answer("sh -c command -v tc", CommandResult.failed(127, ""));

        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                () -> faults.latency(0, Duration.ofMillis(100)));

        assertTrue(e.getMessage().contains("the node has no tc"), e.getMessage());
        assertTrue(e.getMessage().contains("LOCAL backend supports latency"), e.getMessage());
        assertEquals(List.of("sh -c command -v tc"), node.take(), "no netem is attempted");
        assertThrows(UnsupportedOperationException.class, () -> faults.latency(0, Duration.ofMillis(100)));
        assertEquals(List.of(), node.take(), "the node is asked once");
    }

    @Test
    void busyBoxsTcAsInTheK3sImageHasNoNetemEither() {
        node.answer("sh -c command -v tc", CommandResult.ok("/bin/tc\n"))
                .answer("tc -V", CommandResult.failed(1, "BusyBox v1.36.1 multi-call binary.\nUsage: tc [OPTIONS] OBJECT CMD"));

        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                () -> faults.latency(0, Duration.ofMillis(100)));

        assertTrue(e.getMessage().contains("the node's tc (/bin/tc) is not iproute2's"), e.getMessage());
        assertTrue(e.getMessage().contains("LOCAL"), e.getMessage());
    }

    @Test
    void breakReadinessPutsAStubThatExits1AtTheProbesPathAndRestoresTheOriginal() {
        faults.breakReadiness(1, true);
        assertEquals(List.of(
                "mysql-1/mysql: sh -c command -v mysql",
                "mysql-1/mysql: sh -c " + ProbeStub.BREAK_SCRIPT + " sh /usr/bin/mysql " + ProbeStub.STUB),
                containers.take(), "the seed's readiness probe runs mysql -h 127.0.0.1 -e SELECT 1");
        assertTrue(ProbeStub.STUB.startsWith("#!/bin/sh\n") && ProbeStub.STUB.endsWith("exit 1\n"));

        faults.breakReadiness(1, false);
        assertEquals(List.of("mysql-1/mysql: mv -f /usr/bin/mysql.mysqlsts-broken /usr/bin/mysql"), containers.take());
        assertEquals(List.of(), node.take(), "nothing runs on the node");
    }

    @Test
    void theProbesBinaryIsFoundBehindAShell() {
        ClusterSpec shellProbe = new ClusterSpec(spec.source(), spec.statefulSetName(), spec.serviceName(),
                spec.readServiceName(), 3, spec.port(), spec.leaderConfig(), spec.followerConfig(),
                new ClusterSpec.ProbeSpec(List.of("/bin/sh", "-c", "exec mysqladmin ping -h 127.0.0.1"), 5, 2, 1, 3),
                spec.liveness(), spec.objects());

        assertEquals("mysqladmin", K3sFaults.probeBinary(shellProbe));
        assertEquals("mysql", K3sFaults.probeBinary(spec));
    }

    @Test
    void restoreAllUndoesWhatIsInForceAndIgnoresWhatIsGoneAlready() {
        withIproute2Tc();
        faults.pause(0);
        faults.cut(Set.of(1), Set.of(0, 2));
        faults.latency(2, Duration.ofMillis(100));
        faults.breakReadiness(1, true);
        node.take();
        containers.take();
        node.answer("nsenter -t 1002 -n iptables -w -F", CommandResult.failed(1,
                "iptables: No chain/target/match by that name."));

        faults.restoreAll();

        assertEquals(List.of(
                "ctr -n k8s.io task kill -s SIGCONT c0de00",
                "ctr -n k8s.io task ls",
                "nsenter -t 1002 -n tc qdisc del dev eth0 root",
                "nsenter -t 1002 -n ip -o link show dev eth0",
                "ip -o link show",
                "tc qdisc del dev veth2c3d4e5f root",
                "nsenter -t 1000 -n iptables -w -F MYSQLSTS",
                "nsenter -t 1001 -n iptables -w -F MYSQLSTS",
                "nsenter -t 1002 -n iptables -w -F MYSQLSTS"), node.take());
        assertEquals(List.of("mysql-1/mysql: mv -f /usr/bin/mysql.mysqlsts-broken /usr/bin/mysql"), containers.take());

        faults.restoreAll();
        assertEquals(List.of(), node.take(), "nothing is in force any more");
        assertEquals(List.of(), containers.take());
    }

    @Test
    void deletePodDeletesThroughTheApiAndReturnsOnceTheRecreatedPodIsReady() throws Exception {
        String oldUid = kubelet.get("mysql-1").getMetadata().getUid();

        CompletableFuture<Void> deletion = CompletableFuture.runAsync(() -> faults.deletePod(1));
        awaitGone("mysql-1", deletion);
        kubelet.createPod(statefulSet, 1);
        assertFalse(deletion.isDone(), "the new mysql-1 is not Ready yet");
        kubelet.ready("mysql-1");

        join(deletion);
        Pod recreated = kubelet.get("mysql-1");
        assertNotEquals(oldUid, recreated.getMetadata().getUid());
        assertTrue(ReadinessWaiter.isReady(recreated));
        assertEquals(List.of(), node.take(), "deleting a pod needs no node command");
    }

    @Test
    void aCutIsMadeAgainForTheNewIpOfADeletedAndRecreatedPod() throws Exception {
        faults.cut(Set.of(1), Set.of(0, 2));
        node.take();
        node.answer("ctr -n k8s.io task ls", CommandResult.ok(TASKS.replace("c0de01      ", "c0de11      ")
                .replace("1001", "1011")));

        CompletableFuture<Void> deletion = CompletableFuture.runAsync(() -> faults.deletePod(1));
        awaitGone("mysql-1", deletion);
        kubelet.createPod(statefulSet, 1);
        kubelet.runningNotReady("mysql-1");
        kubelet.network("mysql-1", "10.42.0.21", "c0de11");
        readyKeepingNetwork("mysql-1");
        join(deletion);

        assertEquals(List.of(
                "ctr -n k8s.io task ls",
                "nsenter -t 1000 -n iptables -w -F MYSQLSTS",
                "nsenter -t 1011 -n iptables -w -F MYSQLSTS",
                "nsenter -t 1002 -n iptables -w -F MYSQLSTS",
                "nsenter -t 1011 -n iptables -w -N MYSQLSTS",
                "nsenter -t 1011 -n iptables -w -I INPUT 1 -j MYSQLSTS",
                "nsenter -t 1011 -n iptables -w -I OUTPUT 1 -j MYSQLSTS",
                "nsenter -t 1011 -n iptables -w -A MYSQLSTS -s 10.42.0.10 -j DROP",
                "nsenter -t 1011 -n iptables -w -A MYSQLSTS -d 10.42.0.10 -j DROP",
                "nsenter -t 1011 -n iptables -w -A MYSQLSTS -s 10.42.0.12 -j DROP",
                "nsenter -t 1011 -n iptables -w -A MYSQLSTS -d 10.42.0.12 -j DROP",
                "nsenter -t 1000 -n iptables -w -N MYSQLSTS",
                "nsenter -t 1000 -n iptables -w -I INPUT 1 -j MYSQLSTS",
                "nsenter -t 1000 -n iptables -w -I OUTPUT 1 -j MYSQLSTS",
                "nsenter -t 1000 -n iptables -w -A MYSQLSTS -s 10.42.0.21 -j DROP",
                "nsenter -t 1000 -n iptables -w -A MYSQLSTS -d 10.42.0.21 -j DROP",
                "nsenter -t 1002 -n iptables -w -N MYSQLSTS",
                "nsenter -t 1002 -n iptables -w -I INPUT 1 -j MYSQLSTS",
                "nsenter -t 1002 -n iptables -w -I OUTPUT 1 -j MYSQLSTS",
                "nsenter -t 1002 -n iptables -w -A MYSQLSTS -s 10.42.0.21 -j DROP",
                "nsenter -t 1002 -n iptables -w -A MYSQLSTS -d 10.42.0.21 -j DROP"), node.take(),
                "the old pod's rules went with its namespace; the others' name its old IP: all flushed and made again");
    }

    @Test
    void deletePodFailsNamingThePodWhenNoNewPodBecomesReady() {
        K3sFaults impatient = faults(node, Duration.ofMillis(300));

        K3sBackendException e = assertThrows(K3sBackendException.class, () -> impatient.deletePod(2));

        assertTrue(e.getMessage().contains("faults.deletePod(2): pod mysql-2 was deleted, but no new pod mysql-2 was"
                + " Ready within PT0.3S"), e.getMessage());
        assertTrue(e.getMessage().contains("mysql-2 has not been created again"), e.getMessage());
    }

    @Test
    void withoutAccessToTheNodeTheNodeFaultsAreUnsupportedAndTheOthersWork() {
        K3sFaults apiOnly = faults(null, MockCluster.PATIENCE);

        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, () -> apiOnly.kill(0));
        assertTrue(e.getMessage().contains("faults.kill(0) on K3S works from the node"), e.getMessage());
        assertThrows(UnsupportedOperationException.class, () -> apiOnly.cut(Set.of(0), Set.of(1, 2)));

        apiOnly.breakReadiness(0, true);
        assertTrue(containers.take().get(1).startsWith("mysql-0/mysql: sh -c " + ProbeStub.BREAK_SCRIPT));
        apiOnly.restoreAll();
        assertEquals(List.of("mysql-0/mysql: mv -f /usr/bin/mysql.mysqlsts-broken /usr/bin/mysql"), containers.take());
    }

    @Test
    void killOfAPodWithoutARunningMysqlContainerNamesThePod() {
        kubelet.runningNotReady("mysql-2"); // statuses without container ids, as before the runtime reports them

        K3sBackendException e = assertThrows(K3sBackendException.class, () -> faults.kill(2));

        assertTrue(e.getMessage().contains("pod mysql-2 has no running container mysql"), e.getMessage());
    }

    @Test
    void theStatefulSetHandsOutOneFaultsPerClusterAndRefusesPromotion() {
        K3sStatefulSet running = new K3sStatefulSet("mysql#faults", spec, client, NS, Map.of("app", "mysql"),
                MockCluster.settings(MockCluster.PATIENCE, diagnostics), (pod, port, socket) -> socket, node, containers);

        FaultInjector injector = running.faults();
        assertSame(injector, running.faults(), "one instance remembers what is in force");
        injector.pause(0);
        assertEquals(List.of("ctr -n k8s.io task kill -s SIGSTOP c0de00"), node.take());

        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                () -> running.restartInRole(1, true));
        assertTrue(e.getMessage().contains("promote(1) is not supported on K3S"), e.getMessage());
        assertTrue(e.getMessage().contains("a StatefulSet cannot give one pod another config"), e.getMessage());
        assertTrue(e.getMessage().contains(spec.leaderConfig().key() + " for ordinal 0, " + spec.followerConfig().key()
                + " for the others"), e.getMessage());
        assertTrue(e.getMessage().contains("The LOCAL backend supports promote"), e.getMessage());
    }

    @Test
    void lossDropsAtRandomWithIptablesStatisticInTheLossyPodsNamespaceOnlyWithoutTc() {
        node.answer("sh -c command -v tc", CommandResult.failed(127, "")); // no tc: loss does not need it

        faults.loss(1, 0.3);
        assertEquals(List.of(
                "ctr -n k8s.io task ls",
                "nsenter -t 1001 -n iptables -w -N MYSQLSTS_LOSS",
                "nsenter -t 1001 -n iptables -w -I INPUT 1 -j MYSQLSTS_LOSS",
                "nsenter -t 1001 -n iptables -w -I OUTPUT 1 -j MYSQLSTS_LOSS",
                "nsenter -t 1001 -n iptables -w -A MYSQLSTS_LOSS -s 10.42.0.10 -m statistic --mode random --probability 0.3 -j DROP",
                "nsenter -t 1001 -n iptables -w -A MYSQLSTS_LOSS -d 10.42.0.10 -m statistic --mode random --probability 0.3 -j DROP",
                "nsenter -t 1001 -n iptables -w -A MYSQLSTS_LOSS -s 10.42.0.12 -m statistic --mode random --probability 0.3 -j DROP",
                "nsenter -t 1001 -n iptables -w -A MYSQLSTS_LOSS -d 10.42.0.12 -m statistic --mode random --probability 0.3 -j DROP"),
                node.take(), "mysql-0 and mysql-2 get no rule: a packet between them and mysql-1 is drawn once");

        node.answer("nsenter -t 1001 -n iptables -w -N", CommandResult.failed(1, "iptables: Chain already exists."));
        faults.loss(1, 0.05);
        assertEquals(List.of(
                "ctr -n k8s.io task ls",
                "nsenter -t 1001 -n iptables -w -N MYSQLSTS_LOSS",
                "nsenter -t 1001 -n iptables -w -F MYSQLSTS_LOSS",
                "nsenter -t 1001 -n iptables -w -A MYSQLSTS_LOSS -s 10.42.0.10 -m statistic --mode random --probability 0.05 -j DROP",
                "nsenter -t 1001 -n iptables -w -A MYSQLSTS_LOSS -d 10.42.0.10 -m statistic --mode random --probability 0.05 -j DROP",
                "nsenter -t 1001 -n iptables -w -A MYSQLSTS_LOSS -s 10.42.0.12 -m statistic --mode random --probability 0.05 -j DROP",
                "nsenter -t 1001 -n iptables -w -A MYSQLSTS_LOSS -d 10.42.0.12 -m statistic --mode random --probability 0.05 -j DROP"),
                node.take(), "a new probability replaces the old rules");

        faults.restoreAll();
        assertEquals(List.of(
                "ctr -n k8s.io task ls",
                "nsenter -t 1001 -n iptables -w -F MYSQLSTS_LOSS"), node.take());
        faults.restoreAll();
        assertEquals(List.of(), node.take(), "nothing is in force any more");
    }

    @Test
    void lossIsMadeAgainForTheNewIpOfARecreatedPeer() throws Exception {
        faults.loss(0, 1.0);
        node.take();

        CompletableFuture<Void> deletion = CompletableFuture.runAsync(() -> faults.deletePod(2));
        awaitGone("mysql-2", deletion);
        kubelet.createPod(statefulSet, 2);
        kubelet.runningNotReady("mysql-2");
        kubelet.network("mysql-2", "10.42.0.22", "c0de02");
        readyKeepingNetwork("mysql-2");
        join(deletion);

        assertEquals(List.of(
                "ctr -n k8s.io task ls",
                "nsenter -t 1000 -n iptables -w -N MYSQLSTS_LOSS",
                "nsenter -t 1000 -n iptables -w -I INPUT 1 -j MYSQLSTS_LOSS",
                "nsenter -t 1000 -n iptables -w -I OUTPUT 1 -j MYSQLSTS_LOSS",
                "nsenter -t 1000 -n iptables -w -A MYSQLSTS_LOSS -s 10.42.0.11 -m statistic --mode random --probability 1 -j DROP",
                "nsenter -t 1000 -n iptables -w -A MYSQLSTS_LOSS -d 10.42.0.11 -m statistic --mode random --probability 1 -j DROP",
                "nsenter -t 1000 -n iptables -w -A MYSQLSTS_LOSS -s 10.42.0.22 -m statistic --mode random --probability 1 -j DROP",
                "nsenter -t 1000 -n iptables -w -A MYSQLSTS_LOSS -d 10.42.0.22 -m statistic --mode random --probability 1 -j DROP"),
                node.take().stream().filter(c -> !c.contains("-F MYSQLSTS_LOSS")).toList());
    }

    @Test
    void lossNeedsTheNode() {
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                () -> faults(null, MockCluster.PATIENCE).loss(2, 0.3));
        assertTrue(e.getMessage().contains("faults.loss(2, 30) on K3S works from the node"), e.getMessage());
    }

    @Test
    void jitterAndBandwidthShareOneNetemWithTheLatencyOnBothEndsOfTheVethPair() {
        withIproute2Tc();

        faults.jitter(1, Duration.ofMillis(100), Duration.ofMillis(20));
        assertEquals(List.of(
                "sh -c command -v tc",
                "tc -V",
                "ctr -n k8s.io task ls",
                "nsenter -t 1001 -n ip -o link show dev eth0",
                "ip -o link show",
                "nsenter -t 1001 -n tc qdisc replace dev eth0 root netem delay 100ms 20ms limit 100000",
                "tc qdisc replace dev veth1b2c3d4e root netem delay 100ms 20ms limit 100000"), node.take());

        faults.bandwidth(1, 125_000);
        faults.latency(1, Duration.ofMillis(50));
        assertEquals(List.of(
                "ctr -n k8s.io task ls",
                "nsenter -t 1001 -n ip -o link show dev eth0",
                "ip -o link show",
                "nsenter -t 1001 -n tc qdisc replace dev eth0 root netem delay 100ms 20ms rate 1000000bit limit 100000",
                "tc qdisc replace dev veth1b2c3d4e root netem delay 100ms 20ms rate 1000000bit limit 100000",
                "ctr -n k8s.io task ls",
                "nsenter -t 1001 -n ip -o link show dev eth0",
                "ip -o link show",
                "nsenter -t 1001 -n tc qdisc replace dev eth0 root netem delay 150ms 20ms rate 1000000bit limit 100000",
                "tc qdisc replace dev veth1b2c3d4e root netem delay 150ms 20ms rate 1000000bit limit 100000"),
                node.take(), "125000 bytes/s is 1000000 bits/s (tc reads a bare 'bps' as bytes: the harness says bit)");

        faults.jitter(1, Duration.ZERO, Duration.ZERO);
        faults.latency(1, Duration.ZERO);
        List<String> ran = node.take();
        assertEquals("nsenter -t 1001 -n tc qdisc replace dev eth0 root netem rate 1000000bit limit 100000", ran.get(ran.size() - 2),
                "what is left when the jitter and the latency are gone: the limit");

        faults.restoreAll();
        assertEquals(List.of(
                "ctr -n k8s.io task ls",
                "nsenter -t 1001 -n tc qdisc del dev eth0 root",
                "nsenter -t 1001 -n ip -o link show dev eth0",
                "ip -o link show",
                "tc qdisc del dev veth1b2c3d4e root"), node.take());
    }

    @Test
    void jitterAndBandwidthWithoutTcOnTheNodeAreUnsupportedAndNameTheMissingTool() {
        node.answer("sh -c command -v tc", CommandResult.failed(127, ""));

        UnsupportedOperationException jitter = assertThrows(UnsupportedOperationException.class,
                () -> faults.jitter(0, Duration.ofMillis(100), Duration.ofMillis(50)));
        UnsupportedOperationException bandwidth = assertThrows(UnsupportedOperationException.class,
                () -> faults.bandwidth(2, 100_000));

        assertTrue(jitter.getMessage().startsWith("faults.jitter(0, PT0.1S, PT0.05S) is not supported on K3S here: the"
                + " node has no tc"), jitter.getMessage());
        assertTrue(jitter.getMessage().contains("the LOCAL backend supports jitter"), jitter.getMessage());
        assertTrue(bandwidth.getMessage().startsWith("faults.bandwidth(2, 100000) is not supported on K3S here: the"
                + " node has no tc"), bandwidth.getMessage());
        assertEquals(List.of("sh -c command -v tc"), node.take(), "no netem is attempted, the node is asked once");
        faults.restoreAll();
        assertEquals(List.of(), node.take(), "nothing was made, nothing to undo");
    }

    @Test
    void iptablesReadsTheProbabilityAsAPlainDecimal() {
        assertEquals("0.3", NetworkRules.probability(30 / 100.0));
        assertEquals("0.001", NetworkRules.probability(0.1 / 100));
        assertEquals("1", NetworkRules.probability(100 / 100.0));
    }

    @Test
    void delaysAreGivenInMillisecondsOrMicroseconds() {
        assertEquals("250ms", K3sFaults.netemDelay(Duration.ofMillis(250)));
        assertEquals("1500us", K3sFaults.netemDelay(Duration.ofNanos(1_500_000)));
    }

    /** iproute2's tc on the node; pod n's eth0 is the peer of the node's interface 7+n. */
    private void withIproute2Tc() {
        node.answer("sh -c command -v tc", CommandResult.ok("/usr/sbin/tc\n"))
                .answer("tc -V", CommandResult.ok("tc utility, iproute2-6.1.0, libbpf 1.1.0\n"))
                .answer("ip -o link show", CommandResult.ok("""
                        1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN mode DEFAULT group default qlen 1000\\    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00
                        5: cni0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1450 qdisc noqueue state UP mode DEFAULT group default qlen 1000\\    link/ether 5a:1f:0e:aa:bb:cc brd ff:ff:ff:ff:ff:ff
                        7: veth0a1b2c3d@if2: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1450 qdisc noqueue master cni0 state UP mode DEFAULT group default \\    link/ether 6e:00:00:00:00:07 brd ff:ff:ff:ff:ff:ff link-netns cni-1
                        8: veth1b2c3d4e@if2: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1450 qdisc noqueue master cni0 state UP mode DEFAULT group default \\    link/ether 6e:00:00:00:00:08 brd ff:ff:ff:ff:ff:ff link-netns cni-2
                        9: veth2c3d4e5f@if2: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1450 qdisc noqueue master cni0 state UP mode DEFAULT group default \\    link/ether 6e:00:00:00:00:09 brd ff:ff:ff:ff:ff:ff link-netns cni-3
                        """));
        for (int n = 0; n < 3; n++) {
            node.answer("nsenter -t 100" + n + " -n ip -o link show dev eth0", CommandResult.ok("2: eth0@if" + (7 + n)
                    + ": <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1450 qdisc noqueue state UP mode DEFAULT group default"
                    + " \\    link/ether 8a:00:00:00:00:0" + n + " brd ff:ff:ff:ff:ff:ff link-netnsid 0\n"));
        }
    }

    /**
     * Plays the controller's part of noticing: returns once the pod is gone. Polls, because the mock's watch
     * does not replay a deletion that happened between its list and its watch.
     */
    private void awaitGone(String podName, CompletableFuture<Void> deletion) throws InterruptedException {
        long deadline = System.nanoTime() + MockCluster.PATIENCE.toNanos();
        while (kubelet.get(podName) != null) {
            if (deletion.isDone() || System.nanoTime() > deadline) {
                join(deletion);
                throw new AssertionError(podName + " was not deleted");
            }
            Thread.sleep(10);
        }
    }

    /** The readiness probe passes now; IP and container ids stay as the kubelet reported them. */
    private void readyKeepingNetwork(String podName) {
        Pod pod = kubelet.get(podName);
        pod.getStatus().getConditions().stream().filter(c -> "Ready".equals(c.getType())).forEach(c -> {
            c.setStatus("True");
            c.setReason(null);
            c.setMessage(null);
        });
        pod.getStatus().getContainerStatuses().forEach(c -> c.setReady(true));
        client.pods().inNamespace(NS).resource(pod).updateStatus();
    }

    private static void join(CompletableFuture<Void> future) throws InterruptedException {
        try {
            future.get(MockCluster.PATIENCE.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new AssertionError(e.getCause());
        } catch (TimeoutException e) {
            throw new AssertionError("deletePod did not return", e);
        }
    }
}
