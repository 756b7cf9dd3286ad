package dev.mysqlsts.samples;

import dev.mysqlsts.Backend;
import dev.mysqlsts.MySqlStatefulSet;

/** The same experiment as {@link LeaderWritesReachEveryFollowerTest}, on k3s: the manifests' own images. */
@RequiresDocker
@MySqlStatefulSet(backend = Backend.K3S)
class LeaderWritesReachEveryFollowerOnK3sTest extends LeaderWritesReachEveryFollowerTest {
}
