package dev.mysqlsts.junit;

import static org.apiguardian.api.API.Status.INTERNAL;

import dev.mysqlsts.Backend;
import dev.mysqlsts.MySqlStatefulSet;
import java.lang.reflect.Modifier;
import java.util.Optional;
import org.apiguardian.api.API;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * Which cluster a test class runs on: the one its own {@link MySqlStatefulSet} (or that of an enclosing class, for
 * {@code @Nested} classes) starts for it, or, with {@code shared = true}, the one of every class that declares the
 * same cluster. Two classes with equal keys use the same cluster at the same time only when it is shared.
 *
 * @param manifests the annotation's manifests
 * @param replicas  the annotation's replicas
 * @param backend   the annotation's backend
 * @param server    the annotation's server ({@code "{0}"} is refused with {@code shared = true})
 * @param owner     the annotated class; {@code null} for a shared cluster, which belongs to no class
 */
@API(status = INTERNAL)
public record ClusterKey(String manifests, int replicas, Backend backend, String server, Class<?> owner) {

    /** The key of the cluster the test class runs on, if it or an enclosing class is annotated. */
    public static Optional<ClusterKey> of(Class<?> testClass) {
        for (Class<?> type = testClass; type != null; type = enclosing(type)) {
            Optional<MySqlStatefulSet> annotation = AnnotationSupport.findAnnotation(type, MySqlStatefulSet.class);
            if (annotation.isPresent()) {
                MySqlStatefulSet declared = annotation.get();
                return Optional.of(new ClusterKey(declared.manifests(), declared.replicas(), declared.backend(),
                        declared.server(), declared.shared() ? null : type));
            }
        }
        return Optional.empty();
    }

    /** Whether every class that declares this cluster shares it. */
    public boolean shared() {
        return owner == null;
    }

    /** A {@code @Nested} class is an inner class: it shares the cluster of the class it is declared in. */
    private static Class<?> enclosing(Class<?> type) {
        return Modifier.isStatic(type.getModifiers()) ? null : type.getEnclosingClass();
    }

    @Override
    public String toString() {
        return (shared() ? "shared cluster" : "cluster of " + owner.getName()) + " (manifests "
                + (manifests.isEmpty() ? "bundled" : manifests) + ", replicas " + (replicas == -1 ? "as the manifests say" : replicas)
                + ", backend " + backend + (server.isEmpty() ? "" : ", server " + server) + ")";
    }
}
