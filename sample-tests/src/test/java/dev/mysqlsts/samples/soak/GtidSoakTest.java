package dev.mysqlsts.samples.soak;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mysqlsts.Backend;
import dev.mysqlsts.Faults;
import dev.mysqlsts.Ledger;
import dev.mysqlsts.MySqlCluster;
import dev.mysqlsts.MySqlStatefulSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The soak on GTID replication ({@code manifests/gtid-sidecar}): every fault kind for ten minutes, the leader
 * included, with fail-overs. GTID replication is crash-safe and each fail-over waits for the crashed leader, so the
 * verdict must be clean: nothing acknowledged lost, nothing applied twice, no pod diverged, the pods consistent after,
 * and no server left over from a kill, a rebuild or a promotion.
 * <p>
 * {@code ./mvnw -pl sample-tests -am verify -DskipExtensionTests -Psoak -Dsoak.minutes=10 -Dtest=GtidSoakTest -Dsurefire.failIfNoSpecifiedTests=false}
 */
@Tag("soak")
// LOCAL: the fail-over step calls promote, and the link faults use LOCAL's proxies
@MySqlStatefulSet(replicas = 3, backend = Backend.LOCAL, manifests = "classpath:manifests/gtid-sidecar")
class GtidSoakTest {

    private static final Logger LOG = LoggerFactory.getLogger(GtidSoakTest.class);

    @Test
    void everyFaultKindWithFailoversLosesNothingByGtid(MySqlCluster cluster, Faults faults, Ledger ledger) {
        Soak.Result result = Soak.run(cluster, faults, ledger);
        LOG.info("\n  {}", result.summary("gtid-sidecar (GTID)"));

        assertTrue(result.report().acknowledged() > 0, result.report().toString());
        result.report().assertNoAcknowledgedWriteLost();
        assertEquals(Set.of(), result.report().lost(), result.report().toString());
        assertEquals(Map.of(), result.report().duplicated(), "nothing applied twice: " + result.report());
        assertEquals(Map.of(), result.report().divergent(), "no pod diverged: " + result.report());
        assertEquals(cluster.replicas(), result.serversAfter(), "one server per pod, none left over");
        faults.heal();
        cluster.assertConsistent();
    }
}
