package dev.mysqlsts.junit;

import dev.mysqlsts.cluster.StatefulSetCluster;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When a test method fails, the cluster's reproduction bundle ({@code exportReproduction}) is written beside the
 * chaos timeline, {@code target/mysqlsts/<class>/<method>-reproduction/}, while the test's faults are still in
 * force, and its path is added to the failure's message.
 */
final class FailureBundle {

    private static final Logger LOG = LoggerFactory.getLogger(FailureBundle.class);

    private FailureBundle() {
    }

    /** Writes the bundle; returns the line for the failure's message, or "" when it could not be written. */
    static String write(ExtensionContext context, StatefulSetCluster cluster) {
        Path dir = Path.of("target", "mysqlsts", context.getRequiredTestClass().getSimpleName(),
                ChaosGlue.fileName(context) + "-reproduction").toAbsolutePath();
        try {
            cluster.exportReproduction(dir);
            return "Reproduction bundle: " + dir + " (its reproduce.sh starts the same topology with plain mariadbd; "
                    + "README.txt there says what it replays)";
        } catch (RuntimeException e) {
            LOG.warn("the reproduction bundle of {} could not be written to {}: {}", context.getDisplayName(), dir,
                    e.toString());
            return "";
        }
    }
}
