package dev.mysqlsts.samples.soak;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mysqlsts.Backend;
import dev.mysqlsts.Faults;
import dev.mysqlsts.Ledger;
import dev.mysqlsts.MySqlCluster;
import dev.mysqlsts.MySqlStatefulSet;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The same soak on the bundled manifests, whose followers replicate by file and position: a follower crashed under
 * load may apply a transaction twice or stop (see FilePositionReplicationIsNotCrashSafeTest), so this soak reports
 * its losses, duplicates and divergence and does not fail on them. The harness rebuilds broken followers after it.
 * <p>
 * {@code ./mvnw -pl sample-tests -am verify -DskipExtensionTests -Psoak -Dsoak.minutes=10 -Dtest=FilePositionSoakTest -Dsurefire.failIfNoSpecifiedTests=false}
 */
@Tag("soak")
// LOCAL: the fail-over step calls promote, and the link faults use LOCAL's proxies
@MySqlStatefulSet(replicas = 3, backend = Backend.LOCAL)
class FilePositionSoakTest {

    private static final Logger LOG = LoggerFactory.getLogger(FilePositionSoakTest.class);

    @Test
    void everyFaultKindWithFailoversByFileAndPositionIsReported(MySqlCluster cluster, Faults faults, Ledger ledger) {
        Soak.Result result = Soak.run(cluster, faults, ledger);
        LOG.info("\n  {}", result.summary("bundled (file/position)"));
        assertTrue(result.report().acknowledged() > 0, result.report().toString());
    }
}
