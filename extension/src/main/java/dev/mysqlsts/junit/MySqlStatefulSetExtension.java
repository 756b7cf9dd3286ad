package dev.mysqlsts.junit;

import static org.apiguardian.api.API.Status.INTERNAL;

import dev.mysqlsts.Backend;
import dev.mysqlsts.MySqlStatefulSet;
import dev.mysqlsts.backend.RunningStatefulSet;
import dev.mysqlsts.backend.Settings;
import dev.mysqlsts.chaos.ExperimentHooks;
import dev.mysqlsts.cluster.ClientTimeouts;
import dev.mysqlsts.cluster.ClusterBrokenException;
import dev.mysqlsts.cluster.SchemaHandOver;
import dev.mysqlsts.cluster.StatefulSetCluster;
import dev.mysqlsts.manifest.ClusterSpec;
import dev.mysqlsts.manifest.ManifestLoader;
import dev.mysqlsts.statements.StatementLog;
import java.util.Optional;
import org.apiguardian.api.API;
import org.junit.jupiter.api.ClassTemplate;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterClassTemplateInvocationCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeClassTemplateInvocationCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.junit.jupiter.api.extension.TestInstanceFactoryContext;
import org.junit.jupiter.api.extension.TestInstancePreConstructCallback;
import org.junit.jupiter.api.extension.TestWatcher;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * The JUnit 5 extension behind {@link MySqlStatefulSet}: starts the cluster before the class's tests, injects
 * it into test methods, heals the faults each test injected, closes the cluster after the class. Registered by the annotation; not meant to be used alone.
 * A class template ({@code @ParameterizedClass}) gets a cluster per invocation instead: JUnit calls {@code beforeAll}
 * once for the template, and {@code before/afterClassTemplateInvocation} around each invocation, whose own
 * class-level context holds that invocation's arguments and cluster.
 */
@API(status = INTERNAL)
public final class MySqlStatefulSetExtension
        implements BeforeAllCallback, BeforeClassTemplateInvocationCallback, AfterClassTemplateInvocationCallback,
        BeforeEachCallback, AfterEachCallback, AfterAllCallback, ParameterResolver, TestWatcher,
        AfterTestExecutionCallback, TestExecutionExceptionHandler, TestInstancePreConstructCallback {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(MySqlStatefulSetExtension.class);

    /**
     * With {@code @TestInstance(PER_CLASS)} the test instance is made before {@link #beforeAll}, and an integration
     * that post-processes it (Spring's dependency injection) needs the cluster then: it starts here.
     */
    @Override
    public void preConstructTestInstance(TestInstanceFactoryContext factoryContext, ExtensionContext context) {
        // with the default PER_METHOD lifecycle, beforeAll has run already: the context JUnit passes here is then not
        // always the one beforeAll got, so only PER_CLASS starts the cluster here
        if (context.getTestInstanceLifecycle().orElse(TestInstance.Lifecycle.PER_METHOD) == TestInstance.Lifecycle.PER_CLASS
                && context.getTestMethod().isEmpty()) {
            beforeAll(context);
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        if (!isClassTemplate(context)) {
            start(context);
        }
    }

    /** A {@code @ParameterizedClass} (any class template): each invocation gets its own cluster, in its own store. */
    @Override
    public void beforeClassTemplateInvocation(ExtensionContext context) {
        start(context);
    }

    @Override
    public void afterClassTemplateInvocation(ExtensionContext context) {
        close(context);
    }

    private static boolean isClassTemplate(ExtensionContext context) {
        return AnnotationSupport.isAnnotated(context.getRequiredTestClass(), ClassTemplate.class);
    }

    private void start(ExtensionContext context) {
        if (context.getStore(NAMESPACE).getOrDefault(context.getUniqueId(), Boolean.class, false)) {
            return; // started before the class's test instance was made
        }
        context.getStore(NAMESPACE).put(context.getUniqueId(), true);
        Class<?> testClass = context.getRequiredTestClass();
        Optional<MySqlStatefulSet> annotation = AnnotationSupport.findAnnotation(testClass, MySqlStatefulSet.class);
        if (annotation.isEmpty() && resource(context).isPresent()) {
            return; // a @Nested class shares the cluster of its enclosing class
        }
        int replicas = annotation.map(MySqlStatefulSet::replicas).orElse(-1);
        if (replicas == 0 || replicas < -1) {
            throw new ExtensionConfigurationException("@MySqlStatefulSet(replicas = " + replicas + ") on "
                    + testClass.getName() + ": a StatefulSet needs at least 1 replica; give replicas >= 1, or leave "
                    + "it out to keep the manifest's spec.replicas.");
        }
        ClusterKey key = ClusterKey.of(testClass).orElse(new ClusterKey("", -1, Backend.AUTO, "", testClass));
        if (!key.shared()) {
            context.getStore(NAMESPACE).put(ClusterResource.class, start(key, context));
            return;
        }
        if (ServerChoice.isClassArgument(key.server())) {
            throw new ExtensionConfigurationException("@MySqlStatefulSet(shared = true, server = \"" + key.server()
                    + "\") on " + testClass.getName() + ": each @ParameterizedClass invocation needs a cluster of its "
                    + "own version; drop shared = true, or give one version");
        }
        ClusterResource shared = context.getRoot().getStore(NAMESPACE)
                .getOrComputeIfAbsent(key, k -> start(key, context), ClusterResource.class);
        context.getStore(NAMESPACE).put(ClusterResource.class, shared);
        if (!annotation.map(MySqlStatefulSet::keepSchemas).orElse(false)) {
            context.getStore(NAMESPACE).put(SchemaHandOver.class, SchemaHandOver.atStart(shared.cluster()));
        }
    }

    private static ClusterResource start(ClusterKey key, ExtensionContext context) {
        Settings settings = ServerChoice.apply(key.server(), context, Settings.from(context::getConfigurationParameter));
        ClusterSpec spec = ManifestLoader.load(key.manifests(), key.replicas());
        // every setting is checked before a server starts: a bad one must leave nothing running
        ClientTimeouts timeouts = ClientTimeouts.from(settings);
        StatementLog statements = StatementLog.fromSetting(settings.get(StatementLog.MAX_PROPERTY));
        boolean keepFailed = !"false".equals(settings.get(ClusterResource.KEEP_FAILED).orElse("true"));
        RunningStatefulSet running = BackendSelector.select(key.backend(), settings, spec).start(spec, settings);
        return new ClusterResource(key, new StatefulSetCluster(running, timeouts, ExperimentHooks.INSTANCE, statements), keepFailed);
    }

    /**
     * A test method begins: its fault history starts empty, what it breaks is blamed on it, and the pods' global
     * variables are read to be set back after it. A cluster that an earlier test broke beyond repair fails the test
     * at once.
     */
    @Override
    public void beforeEach(ExtensionContext context) {
        Optional<ClusterResource> resource = resource(context);
        if (resource.isPresent()) {
            resource.get().throwIfBroken();
            resource.get().cluster().faults().beginTest(testName(context));
            resource.get().cluster().beginTest(testName(context));
            ChaosGlue.begin(context, resource.get().cluster());
        }
    }

    /** Chaos: stops the schedule and a ledger still running (before afterEach heals), writes the timeline. */
    @Override
    public void afterTestExecution(ExtensionContext context) {
        resource(context).ifPresent(resource -> ChaosGlue.stop(resource.cluster()));
    }

    /** A failing test's message names the schedule's seed, the timeline and the reproduction bundle. */
    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable failure) throws Throwable {
        Optional<ClusterResource> resource = resource(context);
        if (resource.isEmpty()) {
            throw failure;
        }
        throw ChaosGlue.withNote(resource.get().cluster(), failure,
                () -> FailureBundle.write(context, resource.get().cluster(), failure));
    }

    static String testName(ExtensionContext context) {
        return context.getRequiredTestClass().getSimpleName() + "." + context.getRequiredTestMethod().getName()
                + (context.getDisplayName().startsWith(context.getRequiredTestMethod().getName() + "(")
                        ? "" : " [" + context.getDisplayName() + "]");
    }

    /**
     * Undoes the faults the test injected and repairs what it broke, so that the next test starts with a Ready,
     * caught-up cluster; the test itself fails when it left replication broken.
     */
    @Override
    public void afterEach(ExtensionContext context) {
        Optional<ClusterResource> resource = resource(context);
        if (resource.isPresent() && !resource.get().isBroken()) {
            try {
                resource.get().cluster().resetAfterTest(testName(context));
            } catch (ClusterBrokenException e) {
                resource.get().broken(e);
                throw e;
            } finally {
                ChaosGlue.publish(context, resource.get().cluster());
            }
        }
    }

    /**
     * A class's own cluster is closed; a shared one is handed on: the schemas the class created are dropped, and
     * a shared cluster the class broke beyond repair is closed so that the next class gets a new one.
     */
    @Override
    public void afterAll(ExtensionContext context) {
        close(context);
    }

    private static void close(ExtensionContext context) {
        ClusterResource resource = context.getStore(NAMESPACE).remove(ClusterResource.class, ClusterResource.class);
        if (resource == null) {
            return;
        }
        if (context.getExecutionException().isPresent()) {
            resource.markFailed();
        }
        if (!resource.key().shared()) {
            resource.close();
            return;
        }
        SchemaHandOver handOver = context.getStore(NAMESPACE).remove(SchemaHandOver.class, SchemaHandOver.class);
        try {
            if (handOver != null && !resource.isBroken()) {
                handOver.dropCreated(context.getRequiredTestClass().getSimpleName());
            }
        } catch (ClusterBrokenException e) {
            resource.broken(e);
            throw e;
        } finally {
            if (resource.isBroken()) { // the next class that declares this cluster starts a new one
                context.getRoot().getStore(NAMESPACE).remove(resource.key(), ClusterResource.class);
                resource.close();
            }
        }
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        resource(context).ifPresent(resource -> resource.testFailed(context.getDisplayName()));
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return ParameterBinding.supports(parameter);
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        ClusterResource resource = resource(context).orElseThrow(() -> new ExtensionConfigurationException(
                "no cluster is running for " + context.getDisplayName() + ": annotate the test class with @MySqlStatefulSet"));
        return ParameterBinding.resolve(parameter, context, resource.cluster());
    }

    private static Optional<ClusterResource> resource(ExtensionContext context) {
        return Optional.ofNullable(context.getStore(NAMESPACE).get(ClusterResource.class, ClusterResource.class));
    }
}
