package dev.mysqlsts.k3s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.github.dockerjava.api.command.InspectImageResponse;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Images copied from the host's Docker are imported into k3s for the one platform the host holds. */
class ImageImportTest {

    @Test
    void theImportNamesThePlatformDockerReports() {
        InspectImageResponse amd64 = new InspectImageResponse().withOs("linux").withArch("amd64");
        assertEquals("linux/amd64", DockerImageLoader.platform(amd64));
        assertEquals(List.of("ctr", "-n", "k8s.io", "images", "import", "--platform", "linux/amd64", "/tmp/i.tar"),
                DockerImageLoader.importCommand(DockerImageLoader.platform(amd64), "/tmp/i.tar"));
    }

    @Test
    void withoutAPlatformTheImportIsPlain() {
        assertNull(DockerImageLoader.platform(new InspectImageResponse().withOs("linux")));
        assertEquals(List.of("ctr", "-n", "k8s.io", "images", "import", "/tmp/i.tar"),
                DockerImageLoader.importCommand(null, "/tmp/i.tar"));
    }
}
