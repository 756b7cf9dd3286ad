package dev.mysqlsts.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Two test JVMs running LOCAL clusters at the same moment (as two Maven modules or two CI jobs on one host do):
 * each JVM's servers, proxies and directories are its own, and each cluster replicates only its own writes.
 */
class TwoJvmsTest {

    @Test
    void twoJvmsWithOverlappingClustersShareNoDirectoryAndNoData() throws Exception {
        try (ChildJvm first = new ChildJvm("first"); ChildJvm second = new ChildJvm("second")) {
            String[] firstReady = first.await("READY");
            String[] secondReady = second.await("READY");
            // both clusters run now: each child waits for our next command

            Set<Integer> firstPorts = ports(firstReady);
            Set<Integer> secondPorts = ports(secondReady);
            assertEquals(5, firstPorts.size(), "2 servers, 2 client proxies and a replication link: " + firstPorts);
            assertEquals(5, secondPorts.size(), secondPorts.toString());
            // no check that the two sets of ports are disjoint: both JVMs listen on them now, which the kernel allows
            // one socket per port only; what could go wrong (a proxy reaching the other JVM's server) the rows show
            Path firstRun = Path.of(firstReady[4]);
            Path secondRun = Path.of(secondReady[4]);
            assertNotEquals(firstRun, secondRun);
            assertEquals(false, firstRun.startsWith(secondRun) || secondRun.startsWith(firstRun));
            assertEquals(2, ChildJvm.serversUnder(firstRun).size(), "the first JVM's servers run from its own directory");
            assertEquals(2, ChildJvm.serversUnder(secondRun).size(), "the second JVM's servers run from its own directory");

            first.send("work first-" + first.pid());
            second.send("work second-" + second.pid());
            assertEquals("first-" + first.pid(), first.await("WORKED")[1], "mysql-1 of the first JVM holds only its own row");
            assertEquals("second-" + second.pid(), second.await("WORKED")[1], "mysql-1 of the second JVM holds only its own row");

            first.send("close");
            first.await("CLOSED");
            assertEquals(0, first.awaitExit(), first.output());
            assertEquals(List.of(), ChildJvm.serversUnder(firstRun), "the first JVM's close() stopped its servers");
            assertEquals(2, ChildJvm.serversUnder(secondRun).size(), "the second JVM's servers are untouched by it");

            second.send("work second-again");
            assertEquals("second-" + second.pid() + ",second-again", second.await("WORKED")[1]);
            second.send("close");
            second.await("CLOSED");
            assertEquals(0, second.awaitExit(), second.output());
        }
    }

    private static Set<Integer> ports(String[] ready) {
        return Arrays.stream(ready[6].split(",")).map(Integer::valueOf).collect(Collectors.toSet());
    }
}
