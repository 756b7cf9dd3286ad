package dev.mysqlsts.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.mysqlsts.Backend;
import dev.mysqlsts.backend.Settings;
import dev.mysqlsts.k3s.K3sBackend;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** AUTO follows the verdict on k3s; an explicit choice (annotation or property) never asks it. */
class BackendChoiceTest {

    private static final Function<Settings, K3sBackend.Availability> BOOTABLE =
            s -> new K3sBackend.Availability(true, "a Docker engine answers and holds the images");
    private static final Function<Settings, K3sBackend.Availability> NOT_BOOTABLE =
            s -> new K3sBackend.Availability(false, "a Docker engine answers, but no registry does");
    private static final Function<Settings, K3sBackend.Availability> NOT_ASKED =
            s -> fail("availability asked for an explicit backend");

    private static Settings settings(Map<String, String> values) {
        return Settings.from(key -> Optional.ofNullable(values.get(key)));
    }

    @Test
    void autoPicksLocalWhereK3sCannotBoot() {
        assertEquals(Backend.LOCAL, BackendSelector.choose(Backend.AUTO, settings(Map.of()), NOT_BOOTABLE));
    }

    @Test
    void autoPicksK3sWhereItCanBoot() {
        assertEquals(Backend.K3S, BackendSelector.choose(Backend.AUTO, settings(Map.of()), BOOTABLE));
    }

    @Test
    void explicitChoicesDoNotAsk() {
        assertEquals(Backend.K3S, BackendSelector.choose(Backend.K3S, settings(Map.of()), NOT_ASKED));
        assertEquals(Backend.LOCAL, BackendSelector.choose(Backend.K3S,
                settings(Map.of(BackendSelector.PROPERTY, "local")), NOT_ASKED));
        assertEquals(Backend.LOCAL, BackendSelector.choose(Backend.AUTO, settings(Map.of(BackendSelector.PROPERTY, "auto")),
                NOT_BOOTABLE));
    }

    @Test
    void aBadPropertyNamesTheChoices() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BackendSelector.choose(
                Backend.AUTO, settings(Map.of(BackendSelector.PROPERTY, "kind")), NOT_ASKED));
        assertTrue(e.getMessage().contains("use auto, local or k3s"), e.getMessage());
    }
}
