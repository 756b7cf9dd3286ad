package dev.mysqlsts.spring;

import static org.apiguardian.api.API.Status.INTERNAL;

import dev.mysqlsts.junit.ClusterKey;
import java.util.List;
import org.apiguardian.api.API;
import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;

/**
 * Wires a Spring test context to the cluster of a {@code @MySqlStatefulSet} test class, with no line in the
 * class: {@code spring.datasource.url} is the writer endpoint, {@code mysqlsts.read-url} the read endpoint (see
 * {@link ClusterPropertySource}). Registered in {@code META-INF/spring.factories}, the way Spring Boot's
 * Testcontainers support registers its {@code ServiceConnectionContextCustomizerFactory}; Spring calls it for every
 * test class, and classes without the annotation get nothing.
 */
@API(status = INTERNAL)
public final class MySqlStatefulSetContextCustomizerFactory implements ContextCustomizerFactory {

    @Override
    public ContextCustomizer createContextCustomizer(Class<?> testClass, List<ContextConfigurationAttributes> configAttributes) {
        return ClusterKey.of(testClass).map(ClusterContextCustomizer::new).orElse(null);
    }
}
