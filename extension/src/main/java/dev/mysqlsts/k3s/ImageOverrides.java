package dev.mysqlsts.k3s;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Images of the pod templates replaced by others, from a property such as
 * {@code mysqlsts.k3s.imageOverrides=mysql:5.7=mysql:5.7.44,gcr.io/google-samples/xtrabackup:1.0=my/xtrabackup:1.0}:
 * comma-separated {@code original=replacement} pairs. {@code mysql:5.7}, {@code library/mysql:5.7} and
 * {@code docker.io/library/mysql:5.7} name the same image.
 */
final class ImageOverrides {

    private final Map<String, String> replacements;

    private ImageOverrides(Map<String, String> replacements) {
        this.replacements = Map.copyOf(replacements);
    }

    static ImageOverrides none() {
        return new ImageOverrides(Map.of());
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
        return new ImageOverrides(map);
    }

    /** The replacement of {@code image}, if one was given. */
    Optional<String> replacementFor(String image) {
        return image == null ? Optional.empty() : Optional.ofNullable(replacements.get(normalize(image)));
    }

    boolean isEmpty() {
        return replacements.isEmpty();
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
        return replacements.toString();
    }
}
