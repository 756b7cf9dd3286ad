package dev.mysqlsts.local;

import dev.mysqlsts.backend.Settings;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The power-cut layer ({@code powercut.c} beside this class), built once per source with the host's C compiler
 * into the cache directory: Debian packages no library that does what it does (docs/power-cut.md).
 *
 * @param library the built library, or null when it could not be built
 * @param missing why it could not be built, and what to install; null when it was
 */
record PowerCutLayer(Path library, String missing) {

    static final String SOURCE = "powercut.c";
    private static volatile PowerCutLayer built;

    /** The layer for this JVM's cache directory, built at the first call. */
    static PowerCutLayer get() {
        PowerCutLayer layer = built;
        if (layer == null) {
            synchronized (PowerCutLayer.class) {
                if (built == null) {
                    built = build(CacheDirectory.of(Settings.systemProperties()), "cc");
                }
                layer = built;
            }
        }
        return layer;
    }

    boolean available() {
        return library != null;
    }

    /** Builds the layer into {@code cacheDir} with {@code compiler}, unless a library of the same source is there. */
    static PowerCutLayer build(Path cacheDir, String compiler) {
        byte[] source;
        try (InputStream in = PowerCutLayer.class.getResourceAsStream(SOURCE)) {
            source = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + SOURCE + " from the extension's jar", e);
        }
        Path library = cacheDir.resolve("powercut-" + digest(source) + ".so");
        if (Files.isRegularFile(library)) {
            return new PowerCutLayer(library, null);
        }
        try {
            Path work = Files.createTempDirectory(cacheDir, "powercut-build-");
            try {
                Path file = Files.write(work.resolve(SOURCE), source);
                Path output = work.resolve("powercut.so");
                Process process = new ProcessBuilder(List.of(compiler, "-O2", "-shared", "-fPIC", "-o",
                        output.toString(), file.toString(), "-ldl", "-lpthread")).redirectErrorStream(true).start();
                String said = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
                if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                    process.destroyForcibly();
                    return new PowerCutLayer(null, compiler + " could not build the power-cut layer: " + said);
                }
                Files.move(output, library, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                return new PowerCutLayer(library, null);
            } finally {
                Directories.deleteRecursively(work);
            }
        } catch (IOException e) {
            return new PowerCutLayer(null, "no C compiler to build the power-cut layer (" + compiler + ": "
                    + e.getMessage() + "); install one, on Debian: apt-get install gcc");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new PowerCutLayer(null, "interrupted while building the power-cut layer");
        }
    }

    private static String digest(byte[] source) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(source)).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
