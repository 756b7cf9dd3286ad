package dev.mysqlsts.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.mysqlsts.Faults;
import dev.mysqlsts.MySqlCluster;
import dev.mysqlsts.MySqlStatefulSet;
import java.sql.SQLException;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.platform.testkit.engine.EngineTestKit;

/** A fault left in place by a failing test is gone when the next test starts. */
class AutoHealTest {

    @MySqlStatefulSet(replicas = 3)
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    static class FailingChaosExperiment {

        @Test
        @Order(1)
        void failsWhileMysql2IsIsolatedAndPaused(Faults faults) {
            faults.isolate(2);
            faults.pause(1);
            faults.breakReadiness(0);
            fail("a bug in the experiment, with its faults still in place");
        }

        @Test
        @Order(2)
        void startsWithAHealthyCluster(MySqlCluster cluster) throws SQLException {
            cluster.pods().forEach(pod -> assertEquals(true, pod.isReady(), pod.name()));
            Rows.execute(cluster.leader(), "CREATE DATABASE after_the_failure");
            cluster.awaitReplicationCaughtUp();
            assertEquals(1, Rows.count(cluster.pod(2), "information_schema.SCHEMATA WHERE SCHEMA_NAME = 'after_the_failure'"));
        }
    }

    @Test
    void theNextTestStartsHealed() {
        EngineTestKit.engine("junit-jupiter").selectors(selectClass(FailingChaosExperiment.class))
                .configurationParameter("mysqlsts.backend", "local")
                .configurationParameter("mysqlsts.keepFailedClusters", "false")
                .execute().testEvents()
                .assertStatistics(stats -> stats.started(2).failed(1).succeeded(1));
    }
}
