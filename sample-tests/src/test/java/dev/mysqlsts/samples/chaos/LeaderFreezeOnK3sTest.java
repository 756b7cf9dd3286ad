package dev.mysqlsts.samples.chaos;

import dev.mysqlsts.Backend;
import dev.mysqlsts.MySqlStatefulSet;
import dev.mysqlsts.samples.RequiresDocker;

/**
 * The experiment of {@link LeaderFreezeTest}, on k3s: mysqld of mysql-0 is stopped with SIGSTOP from the node,
 * its followers' IO threads notice within their short net timeout, and the kubelet turns the pod NotReady once
 * its exec probe has timed out three times in a row (every 2 s in the seed). {@code isReady()} is the kubelet's
 * verdict there, which the experiment waits for. The freeze stays under the liveness probe's budget, so the
 * kubelet does not restart mysql-0: with the bundled manifests' probe (every 10 s, timeout 5 s, 3 failures) the
 * kubelet decides the restart 2 x 10 + 5 = 25 s after the first probe that meets the frozen server (the simulated
 * kubelet of the extension's tests applies the same timeouts and the 30 s grace period), and a kill decided then
 * happens at the resume, when the SIGTERM is delivered; the experiment's waits stay within 22 s.
 */
@RequiresDocker
@MySqlStatefulSet(replicas = 3, backend = Backend.K3S)
class LeaderFreezeOnK3sTest extends LeaderFreezeTest {
}
