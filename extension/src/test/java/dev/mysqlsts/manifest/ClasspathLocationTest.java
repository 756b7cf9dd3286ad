package dev.mysqlsts.manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** classpath: locations, on disk and inside jars (as the bundled manifests are when the library is a dependency). */
class ClasspathLocationTest {

    @TempDir
    Path dir;

    @Test
    void aDirectoryInsideAJarIsListed() throws IOException {
        Path jar = jar("k8s.jar", true, "jarred/k8s/", Fixtures.SEED_FILES, ClasspathLocationTest::seedBytes);

        ManifestSources.Resolved resolved = withClassLoaderOf(jar, () -> ManifestSources.resolve("classpath:/jarred/k8s/"));

        assertEquals("classpath:jarred/k8s", resolved.description());
        assertEquals(List.of("classpath:jarred/k8s/mysql-configmap.yml", "classpath:jarred/k8s/mysql-services.yml",
                "classpath:jarred/k8s/mysql-statefulset.yml"), resolved.files().stream().map(ManifestFile::name).toList());
        ClusterSpec spec = ClusterSpecReader.read(Manifests.parse(resolved), -1);
        assertEquals("master.cnf", spec.leaderConfig().key());
        assertEquals(3, spec.replicas());
    }

    @Test
    void aFileInsideAJarIsRead() throws IOException {
        Path jar = jar("k8s.jar", true, "jarred/k8s/", Fixtures.SEED_FILES, ClasspathLocationTest::seedBytes);

        ManifestSources.Resolved resolved =
                withClassLoaderOf(jar, () -> ManifestSources.resolve("classpath:jarred/k8s/mysql-services.yml"));

        assertEquals(1, resolved.files().size());
        assertTrue(resolved.files().get(0).text().contains("name: mysql-read"));
    }

    @Test
    void aJarDirectoryWithoutYamlIsAnError() throws IOException {
        Path jar = jar("k8s.jar", true, "jarred/k8s/", List.of("README.md"), name -> "# hi\n".getBytes(StandardCharsets.UTF_8));

        ManifestException e = assertThrows(ManifestException.class,
                () -> withClassLoaderOf(jar, () -> ManifestSources.resolve("classpath:jarred/k8s")));

        assertTrue(e.getMessage().contains("classpath:jarred/k8s (in " + jar + ") has no .yaml or .yml file "
                + "(it has only README.md)"), e.getMessage());
    }

    @Test
    void bundledManifestsAreFoundInAJarWithoutDirectoryEntries() throws IOException {
        Path jar = jar("lib.jar", false, "dev/mysqlsts/manifests/", ClasspathManifests.BUNDLED_FILES,
                ClasspathLocationTest::bundledBytes);

        ManifestSources.Resolved resolved = withClassLoaderOf(jar, () -> ManifestSources.resolve(""));

        assertEquals(3, resolved.files().size());
        ClusterSpec spec = ClusterSpecReader.read(Manifests.parse(resolved), -1);
        assertEquals("primary.cnf", spec.leaderConfig().key());
    }

    @Test
    void bundledManifestsAreListedInAJarWithDirectoryEntries() throws IOException {
        Path jar = jar("lib.jar", true, "dev/mysqlsts/manifests/", ClasspathManifests.BUNDLED_FILES,
                ClasspathLocationTest::bundledBytes);

        ManifestSources.Resolved resolved = withClassLoaderOf(jar, () -> ManifestSources.resolve(""));

        assertEquals(List.of("classpath:dev/mysqlsts/manifests/mysql-configmap.yaml",
                "classpath:dev/mysqlsts/manifests/mysql-services.yaml",
                "classpath:dev/mysqlsts/manifests/mysql-statefulset.yaml"),
                resolved.files().stream().map(ManifestFile::name).toList());
    }

    @Test
    void aClasspathDirectoryOnDiskIsListedSortedAndSkipsOtherFiles() {
        ClusterSpec spec = ManifestLoader.load("classpath:manifests-fixtures/user-db", -1);

        assertEquals("db", spec.statefulSetName());
        assertEquals("classpath:manifests-fixtures/user-db", spec.source());
    }

    private static byte[] seedBytes(String name) {
        return Fixtures.seedFile(name).getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] bundledBytes(String name) {
        try (InputStream in = ClasspathLocationTest.class.getClassLoader()
                .getResourceAsStream("dev/mysqlsts/manifests/" + name)) {
            if (in == null) {
                throw new IllegalStateException("the build did not copy manifests/" + name + " to the classpath");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private Path jar(String jarName, boolean directoryEntries, String folder, List<String> names,
                     java.util.function.Function<String, byte[]> content) throws IOException {
        Path jar = dir.resolve(jarName);
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file)) {
            if (directoryEntries) {
                StringBuilder path = new StringBuilder();
                for (String part : folder.split("/")) {
                    path.append(part).append('/');
                    out.putNextEntry(new JarEntry(path.toString()));
                    out.closeEntry();
                }
            }
            for (String name : names) {
                out.putNextEntry(new JarEntry(folder + name));
                out.write(content.apply(name));
                out.closeEntry();
            }
        }
        return jar;
    }

    /** Runs {@code action} with a context class loader that sees only {@code jar}. */
    private static <T> T withClassLoaderOf(Path jar, Supplier<T> action) throws IOException {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null)) {
            thread.setContextClassLoader(loader);
            return action.get();
        } finally {
            thread.setContextClassLoader(previous);
        }
    }
}
