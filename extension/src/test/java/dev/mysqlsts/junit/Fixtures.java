package dev.mysqlsts.junit;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.util.List;
import java.util.Optional;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;

/** Runs fixture test classes through the JUnit engine, as a user's build would, and reads what failed. */
public final class Fixtures {

    private Fixtures() {
    }

    static EngineExecutionResults run(Class<?> fixture, String... properties) {
        EngineTestKit.Builder builder = EngineTestKit.engine("junit-jupiter").selectors(selectClass(fixture))
                .configurationParameter("mysqlsts.backend", "local")
                .configurationParameter("mysqlsts.keepFailedClusters", "false");
        for (int i = 0; i + 1 < properties.length; i += 2) {
            builder.configurationParameter(properties[i], properties[i + 1]);
        }
        return builder.execute();
    }

    /** The messages of every failure (of a class or a test), causes included. */
    static String failureMessages(EngineExecutionResults results) {
        StringBuilder text = new StringBuilder();
        List<Event> failed = results.allEvents().failed().list();
        for (Event event : failed) {
            Optional<Throwable> error = event.getPayload(org.junit.platform.engine.TestExecutionResult.class)
                    .flatMap(org.junit.platform.engine.TestExecutionResult::getThrowable);
            for (Throwable t = error.orElse(null); t != null; t = t.getCause()) {
                text.append(t.getClass().getSimpleName()).append(": ").append(t.getMessage()).append('\n');
            }
        }
        return text.toString();
    }

    /** Server processes this JVM started that still run. */
    public static List<String> runningServers() {
        return ProcessHandle.current().descendants()
                .filter(ProcessHandle::isAlive)
                .map(p -> p.info().command().orElse(""))
                .filter(command -> command.endsWith("mariadbd") || command.endsWith("mysqld"))
                .toList();
    }
}
