package dev.mysqlsts.junit;

import static org.apiguardian.api.API.Status.INTERNAL;

import java.util.Set;
import org.apiguardian.api.API;
import org.junit.jupiter.api.ClassTemplate;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLocksProvider;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * One JUnit resource lock per cluster, so that JUnit's parallel mode never runs two methods of a class on its one
 * cluster at once (they would mix each other's faults, heal and ledger), while classes with clusters of their own
 * run in parallel. The lock is READ_WRITE on the class, so JUnit runs the class's methods (and its {@code @Nested}
 * classes, which share the cluster) one after another in one thread; classes that share a cluster hold the same
 * lock, so they run one after another. Applied by {@code @MySqlStatefulSet} itself.
 */
@API(status = INTERNAL)
public final class ClusterLock implements ResourceLocksProvider {

    /**
     * The key of the lock of the cluster of this test class: its own class's, or, for a shared cluster, the
     * declaration's, so that the classes sharing one cluster take turns with it.
     */
    public static String key(Class<?> testClass) {
        return "dev.mysqlsts.cluster:" + ClusterKey.of(testClass)
                .map(key -> key.shared() ? "shared " + key : key.owner().getName()).orElse(testClass.getName());
    }

    /**
     * A class template ({@code @ParameterizedClass}) gets none: JUnit 5.14 refuses a lock on its invocations ("Dynamic
     * test descriptors must not declare exclusive resources"), and each invocation has a cluster of its own; in
     * parallel mode such a class runs its methods one at a time with {@code @Execution(SAME_THREAD)}.
     */
    @Override
    public Set<Lock> provideForClass(Class<?> testClass) {
        if (AnnotationSupport.isAnnotated(testClass, ClassTemplate.class)) {
            return Set.of();
        }
        return Set.of(new Lock(key(testClass), ResourceAccessMode.READ_WRITE));
    }
}
