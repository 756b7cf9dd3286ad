package dev.mysqlsts.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A store is made private, and one that is not this user's alone is refused with its path and the fix. */
class PrivateDirectoryTest {

    @TempDir
    Path tmp;

    @Test
    void aNewStoreIsMadeWithMode0700AndAnExistingOneOfOursIsMadePrivate() throws IOException {
        Path made = PrivateDirectory.ensure(tmp.resolve("parent/store"));
        assertEquals("rwx------", mode(made));

        Path readable = Files.createDirectory(tmp.resolve("readable"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        Files.writeString(readable.resolve("kept.txt"), "kept");
        PrivateDirectory.ensure(readable);
        assertEquals("rwx------", mode(readable), "ours and writable by us alone: made unreadable to others too");
        assertEquals("kept", Files.readString(readable.resolve("kept.txt")));
    }

    @Test
    void aSymbolicLinkIsRefusedAndItsTargetLeftAsItWas() throws IOException {
        Path victim = Files.createDirectories(tmp.resolve("victim"));
        Files.setPosixFilePermissions(victim, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path link = Files.createSymbolicLink(tmp.resolve("store"), victim);

        LocalBackendException refused = assertThrows(LocalBackendException.class, () -> PrivateDirectory.ensure(link));

        assertTrue(refused.getMessage().startsWith(link + " is a symbolic link (to " + victim + ")"), refused.getMessage());
        assertTrue(refused.getMessage().contains("rm -rf '" + link + "'"), refused.getMessage());
        assertTrue(refused.getMessage().contains(CacheDirectory.PROPERTY), refused.getMessage());
        assertEquals("rwxr-xr-x", mode(victim), "the link's target is not made private either: it is not ours");
    }

    @Test
    void aGroupWritableDirectoryIsRefused() throws IOException {
        Path shared = Files.createDirectory(tmp.resolve("shared"));
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxr-x"));

        LocalBackendException refused = assertThrows(LocalBackendException.class, () -> PrivateDirectory.ensure(shared));

        assertTrue(refused.getMessage().startsWith(shared + " is writable by its group or others (rwxrwxr-x), so the "
                + "harness does not use it"), refused.getMessage());
        assertEquals("rwxrwxr-x", mode(shared));
    }

    @Test
    void aDirectoryOwnedByAnotherUserIsRefused() throws IOException {
        Path theirs = Files.createDirectory(tmp.resolve("theirs"));
        Files.setPosixFilePermissions(theirs, PosixFilePermissions.fromString("rwx------"));
        UserPrincipal nobody = chownedToNobody(theirs);

        LocalBackendException refused = assertThrows(LocalBackendException.class, () -> PrivateDirectory.ensure(theirs));

        assertTrue(refused.getMessage().startsWith(theirs + " is owned by " + nobody.getName() + ", not by you ("
                + System.getProperty("user.name") + ")"), refused.getMessage());
    }

    /** Makes {@code dir} another user's; only root can, so the test is skipped, saying why, for anyone else. */
    static UserPrincipal chownedToNobody(Path dir) throws IOException {
        UserPrincipal nobody = dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
        try {
            Files.setOwner(dir, nobody);
        } catch (IOException e) {
            assumeTrue(false, "cannot give a directory to user nobody as " + System.getProperty("user.name")
                    + " (only root can chown): " + e);
        }
        return nobody;
    }

    static String mode(Path dir) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS));
    }
}
