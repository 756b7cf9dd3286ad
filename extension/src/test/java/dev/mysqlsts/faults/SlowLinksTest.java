package dev.mysqlsts.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A follower that does not catch up is reported with the link faults in force on it or its source; those faults
 * never touch the test's own connections, so the reasons a pod does not answer leave them out.
 */
class SlowLinksTest {

    @Test
    void theLinkFaultsOfTheFollowerAndOfItsSourceAreNamedAndNoOthers() {
        FaultHistory history = new FaultHistory();
        history.started("loss", List.of(2));
        history.started("bandwidth", List.of(0));
        history.started("jitter", List.of(1));
        history.started("pause", List.of(2));

        String why = history.slowLinks(0, "mysql-0", 2, "mysql-2").orElseThrow();

        assertTrue(why.startsWith("faults in force on the links: loss on mysql-2 since "), why);
        assertTrue(why.contains("(faults.loss(2, ...)), bandwidth on mysql-0 since "), why);
        assertTrue(why.endsWith("(faults.bandwidth(0, ...)); heal() removes them"), why);
        assertTrue(!why.contains("jitter"), "mysql-1's jitter does not slow mysql-0 -> mysql-2: " + why);
        assertTrue(!why.contains("pause"), why);

        history.endedAll();
        assertEquals(Optional.empty(), history.slowLinks(0, "mysql-0", 2, "mysql-2"), "healed");
    }

    @Test
    void theTestsConnectionsAreNotToldALinkFaultStopsThem() {
        FaultHistory history = new FaultHistory();
        history.started("loss", List.of(1));
        history.started("jitter", List.of(1));
        history.started("bandwidth", List.of(1));

        assertEquals(Optional.empty(), history.whyUnreachable(1, "mysql-1"));
    }
}
