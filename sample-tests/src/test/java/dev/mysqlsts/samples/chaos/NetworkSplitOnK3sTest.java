package dev.mysqlsts.samples.chaos;

import dev.mysqlsts.Backend;
import dev.mysqlsts.MySqlStatefulSet;
import dev.mysqlsts.samples.RequiresDocker;

/**
 * The same experiment as {@link NetworkSplitTest}, on k3s: iptables DROP rules in the pods' network namespaces
 * cut the link, and the followers' short net timeout (set by the harness once they are Ready, as on LOCAL) shows
 * the cut in their replica status within seconds, not after mysql:5.7's default minute.
 */
@RequiresDocker
@MySqlStatefulSet(replicas = 4, backend = Backend.K3S)
class NetworkSplitOnK3sTest extends NetworkSplitTest {
}
