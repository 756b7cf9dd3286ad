package dev.mysqlsts.samples.chaos;

import dev.mysqlsts.Backend;
import dev.mysqlsts.MySqlStatefulSet;
import org.junit.jupiter.api.Disabled;

/**
 * {@link FollowerCrashUnderContinuousWritesTest} needs LOCAL: it kills mysql-2 up to 30 times, each time waiting
 * for it to be Ready again (at most 120 s). The kubelet restarts a container at once after its first crash, but
 * after 10, 20, 40, 80, 160 and then 300 s after each further crash within ten minutes (kubernetes
 * {@code pkg/kubelet/kuberuntime/kuberuntime_manager.go}, doBackOff), so from the sixth crash on a restart takes
 * longer than the wait, and 30 crashes would take over two hours. LOCAL restarts a killed server after 1 s.
 */
@Disabled("needs LOCAL: up to 30 crashes of one container; the kubelet's restart back-off (10, 20, 40, 80, 160, "
        + "300 s) exceeds the 120 s readiness wait from the sixth crash on")
@MySqlStatefulSet(replicas = 3, backend = Backend.K3S)
class FollowerCrashUnderContinuousWritesOnK3sTest extends FollowerCrashUnderContinuousWritesTest {
}
