package dev.mysqlsts.samples;

import dev.mysqlsts.Backend;
import dev.mysqlsts.MySqlStatefulSet;

/**
 * The same experiment as {@link ServerIdentityAndReadOnlyFollowersTest}, on k3s, where MySQL 5.7's own
 * super-read-only refuses the follower's write.
 */
@RequiresDocker
@MySqlStatefulSet(replicas = 3, backend = Backend.K3S)
class ServerIdentityAndReadOnlyFollowersOnK3sTest extends ServerIdentityAndReadOnlyFollowersTest {
}
