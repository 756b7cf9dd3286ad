package dev.mysqlsts.junit;

import dev.mysqlsts.Backend;
import dev.mysqlsts.backend.Settings;
import dev.mysqlsts.backend.StatefulSetBackend;
import dev.mysqlsts.k3s.K3sBackend;
import dev.mysqlsts.local.LocalBackend;
import dev.mysqlsts.manifest.ClusterSpec;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses the backend: the {@value #PROPERTY} property over the annotation. AUTO picks K3S only where k3s can
 * boot ({@link K3sBackend#availability(Settings, ClusterSpec)}: a Docker engine answers and the images, the
 * manifests' included, can be had, decided in seconds without pulling), else LOCAL, and says why in one INFO line
 * per JVM.
 */
final class BackendSelector {

    static final String PROPERTY = "mysqlsts.backend";
    private static final Logger LOG = LoggerFactory.getLogger(BackendSelector.class);
    private static final Set<String> LOGGED = ConcurrentHashMap.newKeySet();

    private BackendSelector() {
    }

    static StatefulSetBackend select(Backend annotated, Settings settings, ClusterSpec spec) {
        return choose(annotated, settings, given -> K3sBackend.availability(given, spec)) == Backend.K3S
                ? new K3sBackend() : new LocalBackend();
    }

    /** The backend to use; {@code availability} is asked only for AUTO. */
    static Backend choose(Backend annotated, Settings settings,
                          Function<Settings, K3sBackend.Availability> availability) {
        Backend requested = settings.get(PROPERTY).map(BackendSelector::parse).orElse(annotated);
        String why = settings.get(PROPERTY).isPresent() ? "property " + PROPERTY : "@MySqlStatefulSet(backend)";
        Backend chosen = requested;
        if (requested == Backend.AUTO) {
            K3sBackend.Availability k3s = availability.apply(settings);
            chosen = k3s.bootable() ? Backend.K3S : Backend.LOCAL;
            why = "AUTO: " + (k3s.bootable() ? "K3S can run here: " : "K3S cannot run here: ") + k3s.reason();
        }
        if (LOGGED.add(chosen + why)) {
            LOG.info("backend {} ({})", chosen, why);
        }
        return chosen;
    }

    private static Backend parse(String value) {
        try {
            return Backend.valueOf(value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(PROPERTY + "=" + value + " is not a backend: use auto, local or k3s", e);
        }
    }
}
