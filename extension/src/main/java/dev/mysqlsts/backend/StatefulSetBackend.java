package dev.mysqlsts.backend;

import static org.apiguardian.api.API.Status.INTERNAL;

import dev.mysqlsts.manifest.ClusterSpec;
import org.apiguardian.api.API;

/** Brings a StatefulSet up; one implementation per {@link dev.mysqlsts.Backend}. */
@API(status = INTERNAL)
public interface StatefulSetBackend {

    /**
     * Starts every pod of the spec in ordinal order and returns once all are Ready. On failure nothing that
     * was started is left running.
     *
     * @param spec     what the manifests say, replicas override applied
     * @param settings the {@code mysqlsts.*} properties in force
     */
    RunningStatefulSet start(ClusterSpec spec, Settings settings);
}
