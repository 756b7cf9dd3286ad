package dev.mysqlsts.junit;

import dev.mysqlsts.Backend;
import dev.mysqlsts.backend.Settings;
import dev.mysqlsts.backend.StatefulSetBackend;
import dev.mysqlsts.k3s.K3sBackend;
import dev.mysqlsts.local.LocalBackend;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Chooses the backend: the {@value #PROPERTY} property over the annotation; AUTO asks for a Docker engine. */
final class BackendSelector {

    static final String PROPERTY = "mysqlsts.backend";
    private static final Logger LOG = LoggerFactory.getLogger(BackendSelector.class);
    private static final Set<String> LOGGED = ConcurrentHashMap.newKeySet();

    private BackendSelector() {
    }

    static StatefulSetBackend select(Backend annotated, Settings settings) {
        Backend requested = settings.get(PROPERTY).map(BackendSelector::parse).orElse(annotated);
        String why = settings.get(PROPERTY).isPresent() ? "property " + PROPERTY : "@MySqlStatefulSet(backend)";
        Backend chosen = requested;
        if (requested == Backend.AUTO) {
            boolean docker = K3sBackend.dockerAvailable();
            chosen = docker ? Backend.K3S : Backend.LOCAL;
            why = "AUTO: " + (docker ? "a Docker engine answers" : "no Docker engine answers");
        }
        if (LOGGED.add(chosen + why)) {
            LOG.info("backend {} ({})", chosen, why);
        }
        return chosen == Backend.K3S ? new K3sBackend() : new LocalBackend();
    }

    private static Backend parse(String value) {
        try {
            return Backend.valueOf(value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(PROPERTY + "=" + value + " is not a backend: use auto, local or k3s", e);
        }
    }
}
