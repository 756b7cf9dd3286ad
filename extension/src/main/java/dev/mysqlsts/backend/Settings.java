package dev.mysqlsts.backend;

import static org.apiguardian.api.API.Status.INTERNAL;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.function.Function;
import org.apiguardian.api.API;

/**
 * The harness's configuration properties ({@code mysqlsts.*}). Under JUnit they are JUnit configuration
 * parameters, so a property can be given as a system property ({@code -Dmysqlsts.backend=local}), in
 * {@code junit-platform.properties}, or by a launcher.
 *
 * <pre>{@code Duration timeout = settings.duration("mysqlsts.startupTimeout", Duration.ofSeconds(60));}</pre>
 */
@API(status = INTERNAL)
public final class Settings {

    /**
     * The server the cluster runs: a version, a path (LOCAL) or an image tag (K3S); overrides
     * {@code @MySqlStatefulSet(server)}.
     */
    public static final String SERVER = "mysqlsts.server";

    /**
     * {@code random}: every LOCAL pod's {@code root} gets a random password per cluster, carried in every URL and
     * connection the harness hands out; unset (or {@code empty}): root has an empty password, as the bundled
     * manifests' {@code MYSQL_ALLOW_EMPTY_PASSWORD} says.
     */
    public static final String ROOT_PASSWORD = "mysqlsts.rootPassword";

    private final Function<String, Optional<String>> source;

    private Settings(Function<String, Optional<String>> source) {
        this.source = source;
    }

    /** Settings read from {@code source} (for example JUnit's configuration parameters). */
    public static Settings from(Function<String, Optional<String>> source) {
        return new Settings(key -> source.apply(key).map(String::trim).filter(value -> !value.isEmpty()));
    }

    /** Settings read from system properties only. */
    public static Settings systemProperties() {
        return from(key -> Optional.ofNullable(System.getProperty(key)));
    }

    /**
     * These settings with {@code key} set to {@code value} where the source leaves it unset (a property given by
     * the user still wins).
     */
    public Settings withDefault(String key, String value) {
        return new Settings(k -> k.equals(key) ? source.apply(k).or(() -> Optional.of(value)) : source.apply(k));
    }

    /** These settings with {@code key} set to {@code value}, whatever the source says. */
    public Settings with(String key, String value) {
        return new Settings(k -> k.equals(key) ? Optional.of(value) : source.apply(k));
    }

    /** The property's value, if set and not blank. */
    public Optional<String> get(String key) {
        return source.apply(key);
    }

    /** The property, else the environment variable, if either is set. */
    public Optional<String> get(String key, String environmentVariable) {
        return get(key).or(() -> Optional.ofNullable(System.getenv(environmentVariable)).filter(v -> !v.isBlank()));
    }

    /** Whether {@value #ROOT_PASSWORD} asks for a random root password; values but {@code random}/{@code empty} are refused. */
    public boolean randomRootPassword() {
        String value = get(ROOT_PASSWORD).orElse("empty");
        return switch (value) {
            case "random" -> true;
            case "empty" -> false;
            default -> throw new IllegalArgumentException(ROOT_PASSWORD + "=" + value + " is not supported: use random "
                    + "(a random root password per cluster, in every URL the harness hands out) or leave it unset "
                    + "(root without a password, as the bundled manifests' MYSQL_ALLOW_EMPTY_PASSWORD says)");
        };
    }

    /** A duration given as ISO-8601 ({@code PT90S}) or as whole seconds ({@code 90}). */
    public Duration duration(String key, Duration defaultValue) {
        return get(key).map(value -> parseDuration(key, value)).orElse(defaultValue);
    }

    private static Duration parseDuration(String key, String value) {
        try {
            return value.chars().allMatch(Character::isDigit)
                    ? Duration.ofSeconds(Long.parseLong(value))
                    : Duration.parse(value);
        } catch (NumberFormatException | DateTimeParseException e) {
            throw new IllegalArgumentException("property " + key + "=" + value
                    + " is not a duration: give seconds (90) or ISO-8601 (PT90S)", e);
        }
    }
}
