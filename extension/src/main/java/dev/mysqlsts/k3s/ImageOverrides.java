package dev.mysqlsts.k3s;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Images of the pod templates replaced by others, from a property such as
 * {@code mysqlsts.k3s.imageOverrides=mysql:5.7=mysql:5.7.44,gcr.io/google-samples/xtrabackup:1.0=my/xtrabackup:1.0}:
 * comma-separated {@code original=replacement} pairs. {@code mysql:5.7}, {@code library/mysql:5.7} and
 * {@code docker.io/library/mysql:5.7} name the same image.
 *
 * <p>A server tag ({@code @MySqlStatefulSet(server = "8.0.36")} or {@code mysqlsts.server}) replaces the tag of every
 * database image ({@code mysql}, {@code mariadb}, {@code mysql-server}, {@code percona-server}, {@code percona},
 * whatever their registry or owner) not replaced by a pair: {@code mysql:5.7} becomes {@code mysql:8.0.36}; the
 * other images (the seed's {@code gcr.io/google-samples/xtrabackup:1.0}) are kept.
 */
final class ImageOverrides {

    /** The repositories (last path part) whose containers run the database server or its client. */
    private static final Set<String> DATABASE_IMAGES = Set.of("mysql", "mariadb", "mysql-server", "percona-server", "percona");
    /** A Docker tag (distribution/reference's tag grammar). */
    private static final Pattern TAG = Pattern.compile("[\\w][\\w.-]{0,127}");

    private final Map<String, String> replacements;
    private final String serverTag;

    private ImageOverrides(Map<String, String> replacements, String serverTag) {
        this.replacements = Map.copyOf(replacements);
        this.serverTag = serverTag;
    }

    static ImageOverrides none() {
        return new ImageOverrides(Map.of(), null);
    }

    /**
     * These overrides, and {@code server} as the tag of the database images.
     *
     * @param property the property or attribute that gave it, for errors
     */
    ImageOverrides withServerTag(String property, String server) {
        if (!TAG.matcher(server).matches()) {
            throw new IllegalArgumentException(property + "=" + server + " is not an image tag: on the K3S backend the "
                    + "server is the tag of the manifests' database images (for example 8.0.36 or 11.4); a path to a "
                    + "server runs only on the LOCAL backend");
        }
        return new ImageOverrides(replacements, server);
    }

    static ImageOverrides parse(String property, String value) {
        Map<String, String> map = new LinkedHashMap<>();
        for (String pair : value.split(",")) {
            if (pair.isBlank()) {
                continue;
            }
            int eq = pair.indexOf('=');
            if (eq <= 0 || eq == pair.length() - 1) {
                throw new IllegalArgumentException("property " + property + "=" + value + ": '" + pair.trim()
                        + "' is not original=replacement, for example mysql:5.7=mysql:5.7.44");
            }
            map.put(normalize(pair.substring(0, eq).trim()), pair.substring(eq + 1).trim());
        }
        return new ImageOverrides(map, null);
    }

    /** The replacement of {@code image}, if one was given: a pair first, else the server tag. */
    Optional<String> replacementFor(String image) {
        if (image == null) {
            return Optional.empty();
        }
        String replacement = replacements.get(normalize(image));
        return replacement != null || serverTag == null || !isDatabase(image)
                ? Optional.ofNullable(replacement) : Optional.of(retagged(image));
    }

    /** Why {@code image} is replaced: the property of the pairs or the server tag. */
    String reason(String image) {
        return replacements.containsKey(normalize(image)) ? K3sSettings.IMAGE_OVERRIDES : "server=" + serverTag;
    }

    boolean isEmpty() {
        return replacements.isEmpty() && serverTag == null;
    }

    private static boolean isDatabase(String image) {
        String name = repository(image);
        return DATABASE_IMAGES.contains(name.substring(name.lastIndexOf('/') + 1));
    }

    /** {@code mysql:5.7} with the server tag: {@code mysql:8.0.36}; a digest is replaced too. */
    private String retagged(String image) {
        return repository(image) + ":" + serverTag;
    }

    /** The image without its tag or digest: {@code localhost:5000/mysql:5.7} is {@code localhost:5000/mysql}. */
    private static String repository(String image) {
        String name = image.trim();
        int at = name.indexOf('@');
        if (at >= 0) {
            name = name.substring(0, at);
        }
        int colon = name.lastIndexOf(':');
        return colon > name.lastIndexOf('/') ? name.substring(0, colon) : name;
    }

    /** The fully qualified name containerd and the kubelet use: {@code docker.io/library/mysql:5.7}. */
    static String normalize(String image) {
        String name = image.trim();
        int slash = name.indexOf('/');
        String first = slash < 0 ? "" : name.substring(0, slash);
        boolean hasRegistry = first.contains(".") || first.contains(":") || first.equals("localhost");
        if (!hasRegistry) {
            name = (slash < 0 ? "docker.io/library/" : "docker.io/") + name;
        }
        String lastPart = name.substring(name.lastIndexOf('/') + 1);
        if (!lastPart.contains(":") && !name.contains("@")) {
            name = name + ":latest";
        }
        return name;
    }

    @Override
    public String toString() {
        return serverTag == null ? replacements.toString() : replacements + " and server tag " + serverTag;
    }
}
