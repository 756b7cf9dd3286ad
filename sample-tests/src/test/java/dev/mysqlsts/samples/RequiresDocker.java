package dev.mysqlsts.samples;

import dev.mysqlsts.k3s.K3sBackend;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

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

    /** Enabled when a Docker engine answers (asked once per JVM, as the backend selection asks). */
    final class DockerEngineCondition implements ExecutionCondition {

        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            return dockerAvailable()
                    ? ConditionEvaluationResult.enabled("a Docker engine answers")
                    : ConditionEvaluationResult.disabled("no Docker engine");
        }

        private static boolean dockerAvailable() {
            return K3sBackend.dockerAvailable();
        }
    }
}
