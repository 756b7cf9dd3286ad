package dev.mysqlsts.junit;

import dev.mysqlsts.Faults;
import dev.mysqlsts.Ledger;
import dev.mysqlsts.MySqlCluster;
import dev.mysqlsts.MySqlPod;
import dev.mysqlsts.Ordinal;
import java.lang.reflect.Parameter;
import java.sql.Connection;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;

/**
 * Resolves test method parameters: the cluster, its faults and the test's ledger, and with {@link Ordinal} a pod, connection or data
 * source.
 */
final class ParameterBinding {

    private static final Set<Class<?>> PER_POD = Set.of(MySqlPod.class, Connection.class, DataSource.class);

    private ParameterBinding() {
    }

    static boolean supports(ParameterContext parameter) {
        Class<?> type = parameter.getParameter().getType();
        return type == MySqlCluster.class || type == Faults.class || type == Ledger.class || PER_POD.contains(type)
                || parameter.isAnnotated(Ordinal.class);
    }

    static Object resolve(ParameterContext parameter, ExtensionContext context, MySqlCluster cluster) {
        Parameter p = parameter.getParameter();
        Class<?> type = p.getType();
        if (type == MySqlCluster.class) {
            return cluster;
        }
        if (type == Faults.class) {
            return cluster.faults();
        }
        if (type == Ledger.class) {
            return cluster.ledger();
        }
        Optional<Ordinal> ordinal = parameter.findAnnotation(Ordinal.class);
        if (!PER_POD.contains(type)) {
            throw fail(parameter, "@Ordinal selects a MySqlPod, Connection or DataSource; " + type.getSimpleName()
                    + " cannot be injected. Declare the parameter as one of those types.");
        }
        if (ordinal.isEmpty()) {
            throw fail(parameter, "a " + type.getSimpleName() + " needs @Ordinal to say which pod it is for, "
                    + "for example @Ordinal(0) " + type.getSimpleName() + " " + p.getName());
        }
        int n = ordinal.get().value();
        if (n < 0 || n >= cluster.replicas()) {
            throw fail(parameter, "@Ordinal(" + n + ") is outside the cluster: it has " + cluster.replicas()
                    + " pods, ordinals 0.." + (cluster.replicas() - 1) + ". Use one of those, or raise "
                    + "@MySqlStatefulSet(replicas = ...).");
        }
        MySqlPod pod = cluster.pod(n);
        if (type == MySqlPod.class) {
            return pod;
        }
        if (type == DataSource.class) {
            return pod.dataSource();
        }
        Connection connection = pod.connection();
        context.getStore(ExtensionContext.Namespace.create(ParameterBinding.class, parameter.getDeclaringExecutable(),
                parameter.getIndex())).put("connection", (AutoCloseable) connection::close);
        return connection;
    }

    private static ParameterResolutionException fail(ParameterContext parameter, String problem) {
        Parameter p = parameter.getParameter();
        return new ParameterResolutionException("Parameter [" + p.getType().getSimpleName() + " " + p.getName()
                + "] of " + parameter.getDeclaringExecutable() + ": " + problem);
    }
}
