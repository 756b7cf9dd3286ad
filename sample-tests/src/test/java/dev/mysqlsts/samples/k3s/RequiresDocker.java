package dev.mysqlsts.samples.k3s;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.testcontainers.DockerClientFactory;

/**
 * Runs the annotated test class only where a Docker engine answers; elsewhere JUnit reports it as skipped
 * with the reason "no Docker engine". Put it next to {@code @MySqlStatefulSet(backend = Backend.K3S)} so a
 * suite stays green on machines without Docker:
 *
 * <pre>{@code
 * @RequiresDocker
 * @MySqlStatefulSet(backend = Backend.K3S)
 * class ReplicationOnK3sTest { ... }
 * }</pre>
 *
 * The condition is evaluated before the cluster would start, so nothing is attempted without Docker.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@ExtendWith(RequiresDocker.DockerEngineCondition.class)
@interface RequiresDocker {

    /** Enabled when Testcontainers finds a Docker engine; asked once per JVM. */
    final class DockerEngineCondition implements ExecutionCondition {

        private static volatile Boolean available;

        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            return dockerAvailable()
                    ? ConditionEvaluationResult.enabled("a Docker engine answers")
                    : ConditionEvaluationResult.disabled("no Docker engine");
        }

        private static boolean dockerAvailable() {
            Boolean answer = available;
            if (answer == null) {
                boolean found;
                try {
                    found = DockerClientFactory.instance().isDockerAvailable();
                } catch (RuntimeException | LinkageError e) {
                    found = false;
                }
                available = answer = found;
            }
            return answer;
        }
    }
}
