package dev.mysqlsts.junit;

import static dev.mysqlsts.junit.Fixtures.failureMessages;
import static dev.mysqlsts.junit.Fixtures.run;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.mysqlsts.Faults;
import dev.mysqlsts.MySqlStatefulSet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A failing test's message names its reproduction bundle, written while the cluster still runs, with the failure's
 * text.
 */
class FailureBundleTest {

    @MySqlStatefulSet(replicas = 1)
    static class FailingTest {
        @Test
        void fails() {
            fail("the replica lost a row");
        }
    }

    @MySqlStatefulSet(replicas = 2)
    static class FailingWithAFaultTest {
        @Test
        void failsWhileMysql1DoesNotReplicate(Faults faults) {
            faults.stopReplication(1);
            fail("mysql-1 fell behind");
        }
    }

    @Test
    void theTimelineNamesTheBundleToo() throws Exception {
        String errors = failureMessages(run(FailingWithAFaultTest.class));

        Matcher bundle = Pattern.compile("Reproduction bundle: (\\S+)").matcher(errors);
        Matcher timeline = Pattern.compile("timeline: (\\S+\\.html)").matcher(errors);
        assertTrue(bundle.find() && timeline.find(), errors);
        String html = Files.readString(Path.of(timeline.group(1)));
        assertTrue(html.contains("<b>Reproduction bundle:</b> <code>" + bundle.group(1) + "</code>"), html);
        assertTrue(Files.readString(Path.of(bundle.group(1), "replay.tsv")).contains("\tF\t-\t1\tstopReplication\t-"),
                "the fault, for reproduce.sh to replay");
    }

    @Test
    void theFailureNamesABundleThatHoldsThePodsAndTheScript() throws Exception {
        String errors = failureMessages(run(FailingTest.class));

        Matcher bundle = Pattern.compile("Reproduction bundle: (\\S+)").matcher(errors);
        assertTrue(errors.contains("the replica lost a row") && bundle.find(), errors);
        Path dir = Path.of(bundle.group(1));
        assertTrue(Files.isExecutable(dir.resolve("reproduce.sh")), dir.toString());
        assertTrue(Files.readString(dir.resolve("pods/mysql-0/version.txt")).contains("MariaDB"), dir.toString());
        String failure = Files.readString(dir.resolve("failure.txt"));
        assertTrue(failure.contains("FailingTest.fails failed:") && failure.contains("the replica lost a row"),
                "what the test asserted, for reproduce.sh to print: " + failure);
    }
}
