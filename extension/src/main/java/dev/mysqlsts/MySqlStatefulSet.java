package dev.mysqlsts;

import dev.mysqlsts.junit.ClusterLock;
import dev.mysqlsts.junit.MySqlStatefulSetExtension;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * Runs a MySQL leader/follower cluster shaped like the Kubernetes StatefulSet of the manifests for the
 * annotated test class: pods become Ready in ordinal order, ordinal 0 is the leader, every other ordinal
 * clones its data from the previous one and replicates from ordinal 0.
 *
 * <pre>{@code
 * @MySqlStatefulSet(replicas = 3)
 * class ReplicationTest {
 *     @Test
 *     void replicates(MySqlCluster cluster, @Ordinal(0) Connection leader, @Ordinal(2) Connection follower) { ... }
 * }
 * }</pre>
 *
 * One cluster serves all test methods of the class (and its {@code @Nested} classes) and is closed after
 * the class. It may be used as a meta-annotation.
 *
 * <p>With JUnit's parallel mode on ({@code junit.jupiter.execution.parallel.enabled=true}) the annotated class holds a
 * lock of its own cluster: its methods run one at a time, while other classes, with clusters of their own, run at
 * the same time.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.ANNOTATION_TYPE})
@ExtendWith(MySqlStatefulSetExtension.class)
@ResourceLock(providers = ClusterLock.class)
public @interface MySqlStatefulSet {

    /** Number of pods; {@code -1} keeps the StatefulSet's {@code spec.replicas} from the manifests. */
    int replicas() default -1;

    /** The backend; the system property {@code mysqlsts.backend} overrides it. */
    Backend backend() default Backend.AUTO;

    /**
     * Where the Kubernetes YAML comes from: {@code ""} for the manifests bundled with this library, a
     * directory (relative to the working directory, or absolute) or a {@code classpath:} location of a
     * directory or a single file. Every {@code .yaml}/{@code .yml} file of a directory is read.
     */
    String manifests() default "";
}
