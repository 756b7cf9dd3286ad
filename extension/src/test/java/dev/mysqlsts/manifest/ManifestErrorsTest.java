package dev.mysqlsts.manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every way the manifests can be unusable gives a message with the file, the line where known, and the fix. */
class ManifestErrorsTest {

    @TempDir
    Path dir;

    @Test
    void aMissingDirectorySaysWhereItLookedAndWhatIsAccepted() {
        String message = messageOf("no/such/manifests");

        assertContains(message, Path.of("no/such/manifests").toAbsolutePath().normalize().toString());
        assertContains(message, "does not exist");
        assertContains(message, "classpath:some/dir");
        assertContains(message, "\"\" (the manifests bundled");
    }

    @Test
    void aMissingClasspathLocationNamesTheResource() {
        String message = messageOf("classpath:no/such/dir");

        assertContains(message, "classpath resource 'no/such/dir'");
        assertContains(message, "a directory or a .yaml/.yml file");
    }

    @Test
    void aDirectoryWithoutYamlNamesWhatItHas() {
        Fixtures.write(dir.resolve("README.txt"), "no manifests here");

        String message = messageOf(dir.toString());

        assertContains(message, dir.toString());
        assertContains(message, "has no .yaml or .yml file (it has only README.txt)");
    }

    @Test
    void anEmptyDirectoryIsSaidToBeEmpty() {
        assertContains(messageOf(dir.toString()), "(it is empty)");
    }

    @Test
    void yamlThatDoesNotParseGivesFileAndLine() {
        String message = messageOf(Fixtures.path("bad-tab").toString());

        assertContains(message, Fixtures.path("bad-tab/mysql.yaml") + ": line 7, column 1: the YAML does not parse");
        assertContains(message, "TAB");
        assertContains(message, "indent with spaces");
    }

    @Test
    void aValueOfTheWrongTypeGivesFileLineAndField() {
        Fixtures.seedCopy(dir, text -> text.replace("replicas: 3", "replicas: three"));

        String message = messageOf(dir.toString());

        assertContains(message, dir.resolve("mysql-statefulset.yml") + ": line 10: spec.replicas of the StatefulSet");
        assertContains(message, "\"three\"");
    }

    @Test
    void aDocumentWithoutKindGivesItsLine() {
        Fixtures.seedCopy(dir, onlyIn("mysql-configmap.yml", text -> text + "---\nmetadata:\n  name: orphan\n"));

        String message = messageOf(dir.toString());

        assertContains(message, dir.resolve("mysql-configmap.yml") + ": line 17: this YAML document is not a Kubernetes"
                + " object");
        assertContains(message, "needs apiVersion, kind");
    }

    @Test
    void noStatefulSetListsWhatWasFound() {
        Fixtures.seedCopy(dir, onlyIn("mysql-statefulset.yml", text -> ""));
        Fixtures.write(dir.resolve("mysql-statefulset.yml"), "# moved elsewhere\n");

        String message = messageOf(dir.toString());

        assertContains(message, "No StatefulSet in the manifests at " + dir);
        assertContains(message, "ConfigMap mysql-config; Service mysql, mysql-read");
        assertContains(message, "read mysql-configmap.yml, mysql-services.yml, mysql-statefulset.yml");
        assertContains(message, "Add the StatefulSet's YAML");
    }

    @Test
    void twoStatefulSetsAreNamedWithTheirFiles() {
        Fixtures.seedCopy(dir, UnaryOperator.identity());
        Fixtures.write(dir.resolve("zz-other.yaml"),
                Fixtures.seedFile("mysql-statefulset.yml").replace("  name: mysql\nspec:", "  name: other\nspec:"));

        String message = messageOf(dir.toString());

        assertContains(message, "2 StatefulSets in the manifests at " + dir);
        assertContains(message, "mysql (" + dir.resolve("mysql-statefulset.yml") + ")");
        assertContains(message, "other (" + dir.resolve("zz-other.yaml") + ")");
        assertContains(message, "keep the others in another directory");
    }

    @Test
    void zeroReplicasInTheManifestIsAnErrorUnlessOverridden() {
        Fixtures.seedCopy(dir, text -> text.replace("replicas: 3", "replicas: 0"));

        String message = messageOf(dir.toString());

        assertContains(message, dir.resolve("mysql-statefulset.yml") + ": line 10: StatefulSet mysql has spec.replicas: 0");
        assertContains(message, "@MySqlStatefulSet(replicas = N)");
        assertEquals(2, ManifestLoader.load(dir.toString(), 2).replicas());
    }

    @Test
    void aMissingConfigMapIsNamedWithTheVolumeAndWhatExists() {
        Fixtures.seedCopy(dir, onlyIn("mysql-configmap.yml", text -> text.replace("name: mysql-config", "name: mysql-cfg")));

        String message = messageOf(dir.toString());

        assertContains(message, dir.resolve("mysql-statefulset.yml") + ": StatefulSet mysql mounts ConfigMap mysql-config"
                + " (volume config-map)");
        assertContains(message, "its ConfigMaps are mysql-cfg (" + dir.resolve("mysql-configmap.yml") + ")");
        assertContains(message, "Add a ConfigMap named mysql-config");
    }

    @Test
    void aPodTemplateWithoutAConfigMapVolumeSaysWhereTheConfigsComeFrom() {
        Fixtures.seedCopy(dir, text -> text.replace("        configMap:\n          name: mysql-config   \n",
                "        emptyDir: {}\n"));

        String message = messageOf(dir.toString());

        assertContains(message, dir.resolve("mysql-statefulset.yml") + ": line ");
        assertContains(message, "StatefulSet mysql mounts no ConfigMap");
    }

    private static UnaryOperator<String> onlyIn(String file, UnaryOperator<String> edit) {
        return new UnaryOperator<>() {
            private int index;

            @Override
            public String apply(String text) {
                return Fixtures.SEED_FILES.get(index++).equals(file) ? edit.apply(text) : text;
            }
        };
    }

    private static String messageOf(String location) {
        return assertThrows(ManifestException.class, () -> ManifestLoader.load(location, -1)).getMessage();
    }

    private static void assertContains(String message, String part) {
        assertTrue(message.contains(part), () -> "expected <" + part + "> in: " + message);
    }
}
