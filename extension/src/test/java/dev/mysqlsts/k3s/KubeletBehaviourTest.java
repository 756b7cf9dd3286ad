package dev.mysqlsts.k3s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mysqlsts.manifest.ClusterSpec;
import dev.mysqlsts.manifest.ManifestLoader;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The K3S faults against a kubelet that behaves as the real one where it matters ({@link SimulatedKubelet}):
 * a probe that cannot start is discarded, a paused containerd task refuses exec, a crash is seen only at the
 * next relist, restarts back off. Each test fails if the fault were made the way a kinder kubelet would accept.
 * The seed's probes: readiness every 2 s after 5 s, 3 failures; liveness every 10 s after 30 s, 3 failures.
 */
@EnableKubernetesMockClient(crud = true)
class KubeletBehaviourTest {

    private static final String NS = "mysqlsts-kubelet";

    KubernetesMockServer server;
    KubernetesClient client;

    private final ClusterSpec spec = ManifestLoader.load("", 3);
    private SimulatedKubelet kubelet;
    private K3sFaults faults;

    @BeforeEach
    void threeReadyPods() {
        FakeKubelet controller = new FakeKubelet(server, client, NS);
        StatefulSet sts = spec.objects().stream().filter(StatefulSet.class::isInstance).map(StatefulSet.class::cast)
                .findFirst().orElseThrow();
        for (int n = 0; n < 3; n++) {
            controller.createPod(sts, n);
        }
        kubelet = new SimulatedKubelet(client, NS, spec, 3);
        faults = new K3sFaults("mysql#kubelet", spec, client, NS, kubelet, kubelet, MockCluster.PATIENCE);
        kubelet.advance(40); // past every initial delay
        for (int n = 0; n < 3; n++) {
            assertTrue(ready(n), "mysql-" + n + " Ready before the test");
        }
    }

    @Test
    void breakReadinessMakesThePodNotReadyWhileTheServerRunsAndRestoreMakesItReadyAgain() {
        faults.breakReadiness(1, true);
        kubelet.advance(2 * spec.readiness().failureThreshold());

        assertFalse(ready(1), "the stub at the probe's path exits 1: three failures make mysql-1 NotReady");
        assertTrue(ready(0) && ready(2));
        assertEquals(0, mysqlStatus(1).getRestartCount(), "the server runs on: only readiness fails");

        faults.breakReadiness(1, false);
        kubelet.advance(2);
        assertTrue(ready(1), "one success makes it Ready again");
    }

    @Test
    void aProbeBinaryMovedAsideIsNotAFailureForTheKubelet() {
        // what breakReadiness did before: the probe cannot start, its result is Unknown and thrown away
        kubelet.run("mysql-1", "mysql", List.of("mv", "/usr/bin/mysql", "/usr/bin/mysql.mysqlsts-broken"));
        kubelet.advance(30);

        assertTrue(ready(1), "Ready stays True: kubernetes issue 106682");
    }

    @Test
    void pauseMakesTheProbesTimeOutAndThePodNotReadyAndResumeThawsIt() {
        faults.pause(2);
        kubelet.advance(2 * spec.readiness().failureThreshold() + spec.readiness().timeoutSeconds());

        assertFalse(ready(2), "the probes start, mysqld never answers: they time out and fail");
        assertTrue(kubelet.ran("ctr -n k8s.io task kill -s SIGSTOP c0de02"), kubelet.take().toString());

        faults.resume(2);
        kubelet.advance(2);
        assertTrue(ready(2));
        assertEquals(0, mysqlStatus(2).getRestartCount());
    }

    @Test
    void aFrozenServersProbesFailOnlyOnceTheirTimeoutHasPassed() {
        faults.pause(2);
        // the readiness probe (every 2 s, timeout 1 s) fails each time 1 s after it started: three failures take
        // a period per probe plus the last one's timeout
        kubelet.advance(2 * (spec.readiness().failureThreshold() - 1) + 1);
        assertTrue(ready(2), "two failures so far, the third probe still waits for its timeout");
        kubelet.advance(spec.readiness().timeoutSeconds() + 1);
        assertFalse(ready(2), "the third timeout: NotReady");
    }

    @Test
    void aServerThawedWithinTheGracePeriodShutsDownOnTheKubeletsSigtermAndIsRestarted() {
        faults.pause(1);
        kubelet.advance(3 * spec.liveness().periodSeconds() + spec.liveness().timeoutSeconds() + 1);
        faults.resume(1);   // the queued SIGTERM is delivered: mysqld shuts down
        kubelet.advance(2);

        assertEquals(1, mysqlStatus(1).getRestartCount(), "the kill was decided before the thaw");
    }

    @Test
    void aPausedContainerdTaskWouldKeepThePodReady() {
        // what pause did before: containerd's pause; every exec, the probes' too, is refused
        kubelet.run(List.of("ctr", "-n", "k8s.io", "task", "pause", "c0de02"));
        kubelet.advance(60);

        assertTrue(ready(2), "probes that cannot start are discarded: Ready stays True, liveness never trips");
        K3sBackendException e = assertThrows(K3sBackendException.class,
                () -> kubelet.run("mysql-2", "mysql", List.of("sh", "-c", "command -v mysql")));
        assertTrue(e.getMessage().contains("cannot exec in a paused state"), e.getMessage());
    }

    @Test
    void aFrozenServerIsRestartedByItsLivenessProbeAfterTheGracePeriodAndResumeThenHasNothingToThaw() {
        faults.pause(1);
        // the third failed liveness probe: the first one after the freeze, two periods, and its timeout
        kubelet.advance(3 * spec.liveness().periodSeconds() + spec.liveness().timeoutSeconds() + 1);
        assertEquals(0, mysqlStatus(1).getRestartCount(), "the kubelet decided to kill it, and waits the grace period:"
                + " a stopped server takes no SIGTERM");
        kubelet.advance(30 + 1); // terminationGracePeriodSeconds (the API's default), then the relist

        assertEquals(1, mysqlStatus(1).getRestartCount(), "three liveness failures: the kubelet restarted it");
        faults.resume(1); // the stopped container is gone: said in the log, no error
        kubelet.advance(10);
        assertTrue(ready(1));
    }

    @Test
    void killReturnsOnlyOnceTheKubeletHasSeenTheCrash() throws Exception {
        CompletableFuture<Void> kill = CompletableFuture.runAsync(() -> faults.kill(1));
        awaitCommand("ctr -n k8s.io task kill -s SIGKILL c0de01", kill);

        assertTrue(ready(1), "until the next relist the status still says Ready");
        assertThrows(TimeoutException.class, () -> kill.get(300, TimeUnit.MILLISECONDS),
                "kill must not return on the stale Ready=True");

        kubelet.advance(1); // relist: the crash is seen, the first restart is at once
        kill.get(MockCluster.PATIENCE.toSeconds(), TimeUnit.SECONDS);
        assertEquals(1, mysqlStatus(1).getRestartCount());
        assertNotEquals("containerd://c0de01", mysqlStatus(1).getContainerID());
        assertFalse(ready(1), "the new container is not Ready before its probe's initial delay");
        kubelet.advance(spec.readiness().initialDelaySeconds() + spec.readiness().periodSeconds());
        assertTrue(ready(1));
    }

    @Test
    void crashesWithinTenMinutesRestartAfterABackOffOf10Then20Seconds() throws Exception {
        for (int crash = 0; crash < 3; crash++) {
            String id = mysqlStatus(2).getContainerID().replace("containerd://", "");
            CompletableFuture<Void> kill = CompletableFuture.runAsync(() -> faults.kill(2));
            awaitCommand("ctr -n k8s.io task kill -s SIGKILL " + id, kill);
            kubelet.advance(1);
            kill.get(MockCluster.PATIENCE.toSeconds(), TimeUnit.SECONDS); // seen: restarted, or waiting
            kubelet.take();
            kubelet.advance(60);
        }
        List<Long> starts = kubelet.container(2).startedAt;
        assertEquals(4, starts.size(), starts.toString());
        long firstCrash = 41; // killed at 40 s, seen at the relist at 41 s
        assertEquals(List.of(0L, firstCrash, firstCrash + 61 + 10, firstCrash + 2 * 61 + 20), starts,
                "at once, then after 10 s, then after 20 s");
    }

    private void awaitCommand(String command, CompletableFuture<Void> fault) throws Exception {
        long deadline = System.nanoTime() + MockCluster.PATIENCE.toNanos();
        while (!kubelet.ran(command)) {
            if (fault.isDone()) {
                fault.get();
                throw new AssertionError("returned without running " + command + ": " + kubelet.take());
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(command + " was not run: " + kubelet.take());
            }
            Thread.sleep(5);
        }
    }

    private boolean ready(int ordinal) {
        Pod pod = client.pods().inNamespace(NS).withName("mysql-" + ordinal).get();
        return ReadinessWaiter.isReady(pod);
    }

    private ContainerStatus mysqlStatus(int ordinal) {
        return client.pods().inNamespace(NS).withName("mysql-" + ordinal).get().getStatus().getContainerStatuses()
                .stream().filter(c -> c.getName().equals("mysql")).findFirst().orElseThrow();
    }

    @SuppressWarnings("unused")
    private static void unwrap(ExecutionException e) {
        throw new AssertionError(e.getCause());
    }
}
