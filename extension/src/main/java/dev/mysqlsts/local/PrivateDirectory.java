package dev.mysqlsts.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.EnumSet;
import java.util.Set;

/**
 * A directory the harness keeps across runs, private to the user. Made with mode 0700; one that exists is used only
 * when it is a real directory (not a symbolic link) owned by this user that neither its group nor others can write
 * (it is then made 0700, should others have been able to read it). Anything else is refused with an error that names
 * the path and the fix, never used and never swept: whoever can replace or write into a store can aim the harness's
 * sweeps at the user's own files, or read the test data it keeps.
 *
 * <pre>{@code Path snapshots = PrivateDirectory.ensure(cacheDir.resolve("snapshots"));}</pre>
 */
final class PrivateDirectory {

    static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> OTHERS_WRITE =
            EnumSet.of(PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_WRITE);

    private PrivateDirectory() {
    }

    /**
     * {@code dir}, made now (mode 0700, its parents as usual) or checked as the class comment says.
     *
     * @throws LocalBackendException when it exists and is not this user's alone
     */
    static Path ensure(Path dir) {
        try {
            Files.createDirectories(dir.toAbsolutePath().getParent());
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            return dir;
        } catch (FileAlreadyExistsException e) {
            return check(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("could not create " + dir, e);
        }
    }

    /** An existing {@code dir}, checked as the class comment says. */
    static Path check(Path dir) {
        try {
            PosixFileAttributes attributes = Files.readAttributes(dir, PosixFileAttributes.class,
                    LinkOption.NOFOLLOW_LINKS);
            String refusal = refusal(dir, attributes);
            if (refusal != null) {
                throw new LocalBackendException(dir + " " + refusal + ", so the harness does not use it: it keeps test "
                        + "data there and removes what it no longer needs, which whoever can change that directory "
                        + "could aim at your own files. Remove it (rm -rf '" + dir + "', as its owner or root) and it is "
                        + "made again, private to you; or set " + CacheDirectory.PROPERTY + " to a directory of your "
                        + "own.");
            }
            if (!attributes.permissions().equals(OWNER_ONLY)) {
                Files.setPosixFilePermissions(dir, OWNER_ONLY); // ours and only ours to write: no longer readable either
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("could not check " + dir, e);
        }
    }

    /** Why {@code dir} is not this user's alone, or null when it is. */
    static String refusal(Path dir, PosixFileAttributes attributes) throws IOException {
        if (attributes.isSymbolicLink()) {
            return "is a symbolic link (to " + Files.readSymbolicLink(dir) + ")";
        }
        if (!attributes.isDirectory()) {
            return "is not a directory";
        }
        UserPrincipal user = dir.getFileSystem().getUserPrincipalLookupService()
                .lookupPrincipalByName(System.getProperty("user.name"));
        if (!attributes.owner().equals(user)) {
            return "is owned by " + attributes.owner().getName() + ", not by you (" + user.getName() + ")";
        }
        Set<PosixFilePermission> permissions = attributes.permissions();
        if (permissions.stream().anyMatch(OTHERS_WRITE::contains)) {
            return "is writable by its group or others (" + PosixFilePermissions.toString(permissions) + ")";
        }
        return null;
    }
}
