package dev.mysqlsts.manifest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.UnaryOperator;

/** Test manifests: the fixtures of src/test/resources/manifests-fixtures, and edited copies of them. */
final class Fixtures {

    static final String SEED_CLASSPATH = "classpath:manifests-fixtures/seed";
    static final List<String> SEED_FILES = List.of("mysql-configmap.yml", "mysql-services.yml", "mysql-statefulset.yml");

    private Fixtures() {}

    /** The fixture directory or file on disk (under target/test-classes). */
    static Path path(String fixture) {
        URL url = Fixtures.class.getClassLoader().getResource("manifests-fixtures/" + fixture);
        if (url == null) {
            throw new IllegalStateException("no fixture " + fixture);
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static String seedFile(String name) {
        try {
            return Files.readString(path("seed/" + name), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Copies the seed's three files into {@code dir}, passing each file's text through {@code edit}. */
    static Path seedCopy(Path dir, UnaryOperator<String> edit) {
        try {
            for (String name : SEED_FILES) {
                Files.writeString(dir.resolve(name), edit.apply(seedFile(name)), StandardCharsets.UTF_8);
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void write(Path file, String text) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
