package dev.mysqlsts.samples;

import dev.mysqlsts.MySqlStatefulSet;
import dev.mysqlsts.backend.Settings;
import dev.mysqlsts.k3s.K3sBackend;
import dev.mysqlsts.manifest.ManifestLoader;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * Runs the annotated test class only where k3s can boot and deploy its manifests (a Docker engine answers, the k3s
 * and Ryuk images are in it or their registry answers, and the manifests name no image k3s cannot pull, as AUTO
 * decides); elsewhere JUnit reports it as skipped with the
 * reason, for example "K3S cannot run here: no Docker engine: ...". Put it next to {@code @MySqlStatefulSet(backend = Backend.K3S)} so a
 * suite stays green on machines without Docker:
 *
 * <pre>{@code
 * @RequiresDocker
 * @MySqlStatefulSet(backend = Backend.K3S)
 * class ReplicationOnK3sTest { ... }
 * }</pre>
 *
 * The condition is evaluated before the cluster would start, so nothing is attempted (and nothing pulled) where
 * k3s cannot boot.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@ExtendWith(RequiresDocker.DockerEngineCondition.class)
public @interface RequiresDocker {

    /** Enabled where k3s can boot (asked once per JVM, as the backend selection asks). */
    final class DockerEngineCondition implements ExecutionCondition {

        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            Settings settings = Settings.from(context::getConfigurationParameter);
            MySqlStatefulSet cluster = AnnotationSupport.findAnnotation(context.getTestClass(), MySqlStatefulSet.class)
                    .orElseThrow(() -> new IllegalStateException("@RequiresDocker goes with @MySqlStatefulSet"));
            // the images the class's manifests name count too (the bundled xtrabackup image cannot be pulled by
            // current k3s unless replaced: docs/k3s.md)
            K3sBackend.Availability k3s = K3sBackend.availability(settings,
                    ManifestLoader.load(cluster.manifests(), cluster.replicas()));
            return k3s.bootable()
                    ? ConditionEvaluationResult.enabled("K3S can run here: " + k3s.reason())
                    : ConditionEvaluationResult.disabled("K3S cannot run here: " + k3s.reason());
        }
    }
}
