package dev.mysqlsts.samples.chaos;

import dev.mysqlsts.Backend;
import dev.mysqlsts.MySqlStatefulSet;
import dev.mysqlsts.samples.RequiresDocker;

/**
 * The experiment of {@link LeaderFreezeTest}, on k3s: mysqld of mysql-0 is stopped with SIGSTOP from the node,
 * its followers' IO threads notice within their short net timeout, and the kubelet turns the pod NotReady once
 * its exec probe has timed out three times in a row (every 2 s in the seed). {@code isReady()} is the kubelet's
 * verdict there, which the experiment waits for. The freeze stays under the liveness probe's budget (30 s), so
 * the kubelet does not restart mysql-0.
 */
@RequiresDocker
@MySqlStatefulSet(replicas = 3, backend = Backend.K3S)
class LeaderFreezeOnK3sTest extends LeaderFreezeTest {
}
