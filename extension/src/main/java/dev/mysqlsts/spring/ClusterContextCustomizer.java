package dev.mysqlsts.spring;

import dev.mysqlsts.MySqlCluster;
import dev.mysqlsts.cluster.SchemaHandOver;
import dev.mysqlsts.junit.ClusterKey;
import org.springframework.context.ApplicationListener;
import org.springframework.context.event.ContextRefreshedEvent;
import dev.mysqlsts.junit.RunningClusters;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.MergedContextConfiguration;

/**
 * Adds the cluster's properties to a test context before it starts. Two customizers are equal when their classes run
 * on the same cluster: classes that share one get one context from Spring's cache; a class with a cluster of its own
 * gets a context of its own (its cluster's ports are its own).
 */
final class ClusterContextCustomizer implements ContextCustomizer {

    private final ClusterKey key;

    ClusterContextCustomizer(ClusterKey key) {
        this.key = key;
    }

    @Override
    public void customizeContext(ConfigurableApplicationContext context, MergedContextConfiguration mergedConfig) {
        RunningClusters.Running running = RunningClusters.get(key).orElseThrow(() -> new IllegalStateException(
                "the Spring test context of " + mergedConfig.getTestClass().getName() + " starts before the "
                        + key + " runs: @MySqlStatefulSet starts its cluster before the class's first test instance; "
                        + "is the context loaded from a static initializer or another extension's beforeAll?"));
        context.getEnvironment().getPropertySources().addFirst(new ClusterPropertySource(key, running));
        if (key.shared()) {
            context.addApplicationListener(new HoldSchemasOnStart(running.cluster(), mergedConfig.getTestClass()));
        }
    }

    /**
     * A shared cluster keeps the schemas that exist once the context has started (its migrations): the context
     * outlives the class in Spring's cache, and so must they.
     */
    private record HoldSchemasOnStart(MySqlCluster cluster, Class<?> testClass) implements ApplicationListener<ContextRefreshedEvent> {
        @Override
        public void onApplicationEvent(ContextRefreshedEvent event) {
            SchemaHandOver.hold(cluster, "the Spring context first started for " + testClass.getSimpleName());
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ClusterContextCustomizer customizer && customizer.key.equals(key);
    }

    @Override
    public int hashCode() {
        return key.hashCode();
    }
}
