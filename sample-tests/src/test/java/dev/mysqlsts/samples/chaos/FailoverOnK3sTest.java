package dev.mysqlsts.samples.chaos;

import dev.mysqlsts.Backend;
import dev.mysqlsts.MySqlStatefulSet;
import org.junit.jupiter.api.Disabled;

/**
 * {@link FailoverTest} needs LOCAL: {@code promote(1)} restarts mysql-1 with the leader's config, and a
 * StatefulSet cannot give one pod another config (its init script chooses the config by ordinal), so K3S refuses
 * promote with UnsupportedOperationException. Kept here so the K3S run of the chaos samples lists it with the
 * reason.
 */
@Disabled("needs LOCAL: promote(n) restarts one pod with the leader's config, which a StatefulSet cannot do "
        + "(one pod template, config chosen by ordinal); K3S refuses promote")
@MySqlStatefulSet(replicas = 3, backend = Backend.K3S)
class FailoverOnK3sTest extends FailoverTest {
}
