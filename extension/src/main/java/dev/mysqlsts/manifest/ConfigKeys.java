package dev.mysqlsts.manifest;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.PodSpec;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Decides which key of the ConfigMap is the leader's server config and which the followers'. The names
 * changed across versions of the example, so, in this order: the system properties
 * {@value #LEADER_PROPERTY} and {@value #FOLLOWER_PROPERTY}; the {@code cp} of the init script's ordinal 0
 * branch and its else branch ({@link InitScriptKeys}); the well-known pairs. The pods' own config comes from the run
 * of their init container, not from this choice; it serves the role swap of a promotion and the places that name the
 * role's file (see {@link InitScriptKeys}).
 */
final class ConfigKeys {

    static final String LEADER_PROPERTY = "mysqlsts.leaderConfigKey";
    static final String FOLLOWER_PROPERTY = "mysqlsts.followerConfigKey";

    /** Leader key, follower key: the seed's names first, then newer ones. */
    static final List<List<String>> WELL_KNOWN_PAIRS = List.of(
            List.of("master.cnf", "slave.cnf"),
            List.of("primary.cnf", "replica.cnf"),
            List.of("leader.cnf", "follower.cnf"),
            List.of("source.cnf", "replica.cnf"));

    /**
     * The two keys and the reason they were chosen.
     *
     * @param leader   the key ordinal 0 gets
     * @param follower the key every other ordinal gets
     */
    record Chosen(String leader, String follower) {}

    private ConfigKeys() {}

    /**
     * @param where where the ConfigMap is, for messages
     */
    static Chosen choose(ConfigMap configMap, PodSpec pod, String where) {
        Map<String, String> data = configMap.getData() == null ? Map.of() : new TreeMap<>(configMap.getData());
        String leaderProperty = property(LEADER_PROPERTY, configMap, data, where);
        String followerProperty = property(FOLLOWER_PROPERTY, configMap, data, where);

        Optional<InitScriptKeys.Found> script = InitScriptKeys.find(pod)
                .filter(found -> data.containsKey(found.leader()) && data.containsKey(found.follower()));
        Optional<List<String>> pair = WELL_KNOWN_PAIRS.stream()
                .filter(p -> data.containsKey(p.get(0)) && data.containsKey(p.get(1)))
                .findFirst();

        String leader = firstOf(leaderProperty, script.map(InitScriptKeys.Found::leader), pair.map(p -> p.get(0)));
        String follower = firstOf(followerProperty, script.map(InitScriptKeys.Found::follower), pair.map(p -> p.get(1)));
        if (leader == null || follower == null) {
            throw undecided(configMap, data, pod, where);
        }
        return new Chosen(leader, follower);
    }

    private static String property(String name, ConfigMap configMap, Map<String, String> data, String where) {
        String value = System.getProperty(name);
        if (value == null || value.isBlank()) {
            return null;
        }
        if (!data.containsKey(value.strip())) {
            throw new ManifestException("The system property " + name + "=" + value + " names no key of ConfigMap "
                    + Manifests.name(configMap) + " (" + where + "), whose keys are " + data.keySet()
                    + ". Set " + name + " to one of them.");
        }
        return value.strip();
    }

    private static String firstOf(String property, Optional<String> fromScript, Optional<String> fromPair) {
        return property != null ? property : fromScript.or(() -> fromPair).orElse(null);
    }

    private static ManifestException undecided(ConfigMap configMap, Map<String, String> data, PodSpec pod, String where) {
        String script = InitScriptKeys.find(pod)
                .map(found -> "the script of container " + found.container() + " copies " + found.leader() + " for "
                        + "ordinal 0 and " + found.follower() + " otherwise, but the ConfigMap lacks "
                        + (data.containsKey(found.leader()) ? found.follower() : found.leader()))
                .orElse("no init script of the shape `if [[ $ordinal -eq 0 ]]; then cp <dir>/<key> ...; "
                        + "else cp <dir>/<key> ...; fi`");
        StringBuilder pairs = new StringBuilder();
        for (List<String> pair : WELL_KNOWN_PAIRS) {
            pairs.append(pairs.length() == 0 ? "" : ", ").append(pair.get(0)).append('/').append(pair.get(1));
        }
        return new ManifestException("Cannot tell which key of ConfigMap " + Manifests.name(configMap) + " (" + where
                + ") is the leader's server config and which the followers': its keys are " + data.keySet()
                + "; " + script + "; and none of the known pairs (leader/follower) " + pairs + " is complete. "
                + "Say which with -D" + LEADER_PROPERTY + "=<key> and -D" + FOLLOWER_PROPERTY + "=<key>.");
    }
}
