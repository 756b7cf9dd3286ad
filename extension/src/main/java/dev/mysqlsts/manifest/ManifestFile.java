package dev.mysqlsts.manifest;

import java.util.Objects;

/**
 * The text of one YAML file of the manifests.
 *
 * @param name where it was read from, for messages: an absolute path or {@code classpath:dir/file.yaml}
 * @param text the file's content
 */
record ManifestFile(String name, String text) {

    ManifestFile {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(text, "text");
    }

    /** The file name without its directory, used to sort the files of a directory. */
    String simpleName() {
        int slash = Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\'));
        return name.substring(slash + 1);
    }

    static boolean isYamlName(String fileName) {
        String lower = fileName.toLowerCase(java.util.Locale.ROOT);
        return lower.endsWith(".yaml") || lower.endsWith(".yml");
    }
}
