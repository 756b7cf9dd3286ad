package dev.mysqlsts.junit;

import dev.mysqlsts.chaos.Experiment;
import dev.mysqlsts.cluster.StatefulSetCluster;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.MediaType;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

/**
 * The extension's chaos duties around each test method: begin the test's ledger and seed, and at its end stop the
 * schedule and the ledger before the heal, write and publish the timeline, and name the seed and the timeline in a
 * failure's message.
 */
final class ChaosGlue {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ChaosGlue.class);
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(ChaosGlue.class);
    private static final MediaType HTML = MediaType.create("text", "html", StandardCharsets.UTF_8);

    private ChaosGlue() {
    }

    static void begin(ExtensionContext context, StatefulSetCluster cluster) {
        // when the class's context closes, the experiment registry lets go of the cluster
        context.getParent().orElse(context).getStore(NAMESPACE).getOrComputeIfAbsent(Forget.class,
                key -> new Forget(cluster), Forget.class);
        Experiment.of(cluster).beginTest(context.getRequiredTestClass().getName(), fileName(context),
                MySqlStatefulSetExtension.testName(context), context.getConfigurationParameter(Experiment.SEED_PROPERTY));
    }

    /** Before the heal: no fault of the schedule and no ledger write may race with it. */
    static void stop(StatefulSetCluster cluster) {
        Experiment.of(cluster).finish();
    }

    /** After the heal and any repair: the timeline, written again with the repair marked, into the test report. */
    static void publish(ExtensionContext context, StatefulSetCluster cluster) {
        Optional<Path> timeline = Experiment.of(cluster).finish();
        timeline.ifPresent(path -> {
            try {
                context.publishFile(path.getFileName().toString(), HTML,
                        target -> Files.copy(path, target, StandardCopyOption.REPLACE_EXISTING));
            } catch (RuntimeException e) {
                // a launcher without an output directory (JUnit's EngineTestKit by default): the file stays where it is
                LOG.info("timeline {} not published in the test report: {}", path, e.getMessage());
            }
        });
    }

    /**
     * The failure, its message followed by the seed to replay, the timeline's path and {@code more}, asked once the
     * schedule stopped (the original is the cause); a test that aborted stays as it is.
     */
    static Throwable withNote(StatefulSetCluster cluster, Throwable failure, Supplier<String> more) {
        if (failure instanceof TestAbortedException) {
            return failure;
        }
        Experiment experiment = Experiment.of(cluster);
        experiment.finish();
        String note = String.join("\n", Stream.of(experiment.failureNote(), more.get())
                .filter(part -> !part.isEmpty()).toList());
        return note.isEmpty() ? failure : withNote(failure, note);
    }

    private static Throwable withNote(Throwable failure, String note) {
        String message = (failure.getMessage() == null ? failure.toString() : failure.getMessage()) + "\n" + note;
        Throwable noted = failure instanceof AssertionError ? new AssertionFailedError(message, failure)
                : new ChaosExperimentFailure(message, failure);
        noted.setStackTrace(failure.getStackTrace());
        return noted;
    }

    static String fileName(ExtensionContext context) {
        String method = context.getRequiredTestMethod().getName();
        String display = context.getDisplayName();
        if (display.startsWith(method + "(")) {
            return method;
        }
        return method + "-" + display.replaceAll("[^A-Za-z0-9._=-]+", "_");
    }

    /** Closed by JUnit with the test class's context. */
    private record Forget(StatefulSetCluster cluster) implements AutoCloseable {

        @Override
        public void close() {
            Experiment.forget(cluster);
        }
    }

    /** A test's exception (not an assertion) with the chaos note added; the original is the cause. */
    static final class ChaosExperimentFailure extends RuntimeException {

        private static final long serialVersionUID = 1L;

        ChaosExperimentFailure(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
