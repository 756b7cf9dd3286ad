package dev.mysqlsts.samples;

import dev.mysqlsts.Backend;
import dev.mysqlsts.MySqlStatefulSet;

/** The same experiment as {@link FollowerCrashRecoveryTest}, on k3s: the kubelet restarts the killed container. */
@RequiresDocker
@MySqlStatefulSet(backend = Backend.K3S)
class FollowerCrashRecoveryOnK3sTest extends FollowerCrashRecoveryTest {
}
