package dev.mysqlsts.spring;

import static org.apiguardian.api.API.Status.INTERNAL;

import dev.mysqlsts.junit.ClusterKey;
import dev.mysqlsts.junit.RunningClusters;
import org.apiguardian.api.API;
import org.springframework.context.ApplicationContext;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.PropertySource;
import org.springframework.test.annotation.DirtiesContext.HierarchyMode;
import org.springframework.test.context.TestContext;
import org.springframework.test.context.TestExecutionListener;

/**
 * Keeps Spring's context cache in step with the clusters: a cached context whose shared cluster was replaced (a class
 * broke it beyond repair) is closed before the next class uses it, and a context built on a class's own cluster is
 * closed with that class (no other class can use it, and its pool would retry a stopped server). Runs before Spring's
 * dependency injection, which loads the context.
 */
@API(status = INTERNAL)
public final class ClusterContextListener implements TestExecutionListener, Ordered {

    @Override
    public int getOrder() {
        return 1900; // DependencyInjectionTestExecutionListener is 2000
    }

    @Override
    public void prepareTestInstance(TestContext testContext) {
        ClusterPropertySource source = source(testContext);
        if (source != null && RunningClusters.get(source.getSource())
                .map(running -> running.generation() != source.generation()).orElse(true)) {
            testContext.markApplicationContextDirty(HierarchyMode.EXHAUSTIVE);
        }
    }

    @Override
    public void afterTestClass(TestContext testContext) {
        ClusterPropertySource source = source(testContext);
        if (source != null && testContext.getTestClass().equals(source.getSource().owner())) {
            testContext.markApplicationContextDirty(HierarchyMode.EXHAUSTIVE);
        }
    }

    /** The cluster properties of the test's context, if it is loaded and has them; never loads one. */
    private static ClusterPropertySource source(TestContext testContext) {
        if (ClusterKey.of(testContext.getTestClass()).isEmpty() || !testContext.hasApplicationContext()) {
            return null;
        }
        ApplicationContext context = testContext.getApplicationContext();
        if (context.getEnvironment() instanceof ConfigurableEnvironment environment) {
            PropertySource<?> source = environment.getPropertySources().get(ClusterPropertySource.NAME);
            return source instanceof ClusterPropertySource cluster ? cluster : null;
        }
        return null;
    }
}
