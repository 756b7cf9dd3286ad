package dev.mysqlsts.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpareVolumesTest {

    @TempDir
    Path tmp;

    @Test
    void aVolumeIsCopiedFirstAndAfterARefillMovedIntoPlaceFromTheShelf() throws IOException {
        Path pristine = pristine("a");
        SpareVolumes volumes = new SpareVolumes(tmp.resolve("spares"));

        volumes.provision(pristine, tmp.resolve("run1/mysql-0/data"), tmp.resolve("log"));
        assertEquals("a", Files.readString(tmp.resolve("run1/mysql-0/data/mysql/t.MAD")), "copied: no spare yet");
        assertEquals(0, spares(), "the first volume of a shape has no spare to take");

        volumes.refill(Files.createDirectories(tmp.resolve("run1")), tmp.resolve("log"));
        assertEquals(1, spares(), "one spare per volume the cluster made");
        Object spareInode = inode(onlySpare().resolve("mysql/t.MAD"));

        volumes.provision(pristine, tmp.resolve("run2/mysql-0/data"), tmp.resolve("log"));
        assertEquals(spareInode, inode(tmp.resolve("run2/mysql-0/data/mysql/t.MAD")), "the spare was moved, not copied");
        assertEquals("a", Files.readString(tmp.resolve("run2/mysql-0/data/mysql/t.MAD")));
        assertEquals(0, spares(), "a spare is used once");
        assertEquals("a", Files.readString(pristine.resolve("mysql/t.MAD")), "the pristine directory is untouched");
    }

    @Test
    void aPristineDirectoryMadeAgainDoesNotGetTheSparesOfTheOldOne() throws IOException {
        Path pristine = pristine("old");
        SpareVolumes volumes = storeWithOneSpareOf(pristine);

        Directories.deleteRecursively(pristine);
        Path remade = pristine("new");
        volumes.provision(remade, tmp.resolve("run2/data"), tmp.resolve("log"));

        assertEquals("new", Files.readString(tmp.resolve("run2/data/mysql/t.MAD")));
    }

    @Test
    void aVolumeThatIsNotEmptyIsNotReplacedByASpare() throws IOException {
        Path pristine = pristine("a");
        SpareVolumes volumes = storeWithOneSpareOf(pristine);
        Files.createDirectories(tmp.resolve("run2/data"));
        Files.writeString(tmp.resolve("run2/data/kept.log"), "logs of an earlier start");

        volumes.provision(pristine, tmp.resolve("run2/data"), tmp.resolve("log"));

        assertTrue(Files.exists(tmp.resolve("run2/data/kept.log")));
        assertEquals("a", Files.readString(tmp.resolve("run2/data/mysql/t.MAD")));
        assertFalse(spares() == 0, "the spare stays on the shelf for another cluster");
    }

    /** A store after one cluster made a volume of {@code pristine} and stopped: one spare on the shelf. */
    private SpareVolumes storeWithOneSpareOf(Path pristine) throws IOException {
        SpareVolumes volumes = new SpareVolumes(tmp.resolve("spares"));
        volumes.provision(pristine, tmp.resolve("run1/data"), tmp.resolve("log"));
        volumes.refill(Files.createDirectories(tmp.resolve("run1")), tmp.resolve("log"));
        return volumes;
    }

    private Path pristine(String content) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("cache/template/mysql"));
        Files.writeString(dir.resolve("t.MAD"), content);
        Files.writeString(dir.resolve("t.frm"), "definition");
        return dir.getParent();
    }

    private long spares() throws IOException {
        if (!Files.exists(tmp.resolve("spares"))) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(tmp.resolve("spares"), 2)) {
            return files.filter(path -> path.getFileName().toString().startsWith("spare-")).count();
        }
    }

    private Path onlySpare() throws IOException {
        try (Stream<Path> files = Files.walk(tmp.resolve("spares"), 2)) {
            return files.filter(path -> path.getFileName().toString().startsWith("spare-")).findFirst().orElseThrow();
        }
    }

    private static Object inode(Path file) throws IOException {
        return Files.readAttributes(file, BasicFileAttributes.class).fileKey();
    }
}
