package dev.mysqlsts.junit;

import dev.mysqlsts.chaos.Experiment;
import dev.mysqlsts.cluster.StatefulSetCluster;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When a test method fails, the cluster's reproduction bundle ({@code exportReproduction}) is written beside the
 * chaos timeline, {@code target/mysqlsts/<class>/<method>-reproduction/}, while the test's faults are still in
 * force, with the failure's text (its {@code reproduce.sh} prints it), and its path is added to the failure's message and
 * to the timeline.
 */
final class FailureBundle {

    private static final Logger LOG = LoggerFactory.getLogger(FailureBundle.class);

    private FailureBundle() {
    }

    /** Writes the bundle; returns the line for the failure's message, or "" when it could not be written. */
    static String write(ExtensionContext context, StatefulSetCluster cluster, Throwable failure) {
        Path dir = Path.of("target", "mysqlsts", context.getRequiredTestClass().getSimpleName(),
                ChaosGlue.fileName(context) + "-reproduction").toAbsolutePath();
        try {
            cluster.exportReproduction(dir, MySqlStatefulSetExtension.testName(context) + " failed:\n" + failure);
            Experiment.of(cluster).reproductionWritten(dir);
            return "Reproduction bundle: " + dir + " (its reproduce.sh starts the same topology with plain mariadbd "
                    + "and replays the test's statements and the faults it can; README.txt there says which)";
        } catch (RuntimeException e) {
            LOG.warn("the reproduction bundle of {} could not be written to {}: {}", context.getDisplayName(), dir,
                    e.toString());
            return "";
        }
    }
}
