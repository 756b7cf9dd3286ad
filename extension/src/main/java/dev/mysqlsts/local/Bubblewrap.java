package dev.mysqlsts.local;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The command line that runs a container's command on this host as if in its pod: bubblewrap ({@code bwrap}, the
 * Debian/Ubuntu/Fedora package {@value #PACKAGE}) gives it a root of its own with the host's programs read-only
 * ({@code /usr}, its {@code /bin}, {@code /lib}... links), the pod's hostname, an environment of only the given
 * variables, and each volume's directory bound at its {@code mountPath}. It works as root and, through a user
 * namespace, as any other user; nothing is mounted on the host. About 60 ms per run here.
 */
final class Bubblewrap {

    static final String PACKAGE = "bubblewrap";
    private static final List<String> ROOT_LINKS = List.of("bin", "sbin", "lib", "lib32", "lib64", "libx32");
    /** The few files of /etc that programs and the dynamic linker read; the rest of /etc stays the pod's own. */
    private static final List<String> ETC_FILES = List.of("passwd", "group", "nsswitch.conf", "ld.so.cache",
            "ld.so.conf", "ld.so.conf.d", "alternatives", "localtime", "hosts");

    /**
     * A directory or file bound into the sandbox.
     *
     * @param source   on this host
     * @param target   the path the command sees ({@code mountPath})
     * @param readOnly as a ConfigMap volume is
     */
    record Bind(Path source, String target, boolean readOnly) {}

    private final Path bwrap;

    private Bubblewrap(Path bwrap) {
        this.bwrap = bwrap;
    }

    /**
     * The bwrap to use: {@code mysqlsts.bwrap} if set (a path, or {@code none} for no sandbox), else the one on the
     * PATH; empty when there is none.
     */
    static Optional<Bubblewrap> locate(Optional<String> configured) {
        if (configured.isPresent()) {
            if (configured.get().equals("none")) {
                return Optional.empty();
            }
            Path given = Path.of(configured.get());
            if (!Files.isExecutable(given)) {
                throw new LocalBackendException(PROPERTY + "=" + given + " is not an executable file.\nFix: give the "
                        + "path of bwrap (package " + PACKAGE + "), or " + PROPERTY + "=none to run init containers "
                        + "without it.");
            }
            return Optional.of(new Bubblewrap(given));
        }
        return find().map(Bubblewrap::new);
    }

    /** The setting that picks the bwrap binary, or {@code none}. */
    static final String PROPERTY = "mysqlsts.bwrap";

    private static Optional<Path> find() {
        String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, "bwrap");
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** bwrap's arguments, then {@code command}: run as {@code hostname}, in {@code workingDir}, with only {@code env}. */
    List<String> command(String hostname, List<Bind> binds, Map<String, String> env, String workingDir,
                         List<String> command) {
        List<String> args = new ArrayList<>(List.of(bwrap.toString(), "--unshare-user", "--unshare-pid",
                "--unshare-uts", "--hostname", hostname, "--die-with-parent", "--clearenv", "--tmpfs", "/",
                "--ro-bind", "/usr", "/usr"));
        for (String top : ROOT_LINKS) {
            Path host = Path.of("/", top);
            if (Files.isSymbolicLink(host)) {
                args.addAll(List.of("--symlink", readLink(host), host.toString()));
            } else if (Files.isDirectory(host)) {
                args.addAll(List.of("--ro-bind", host.toString(), host.toString()));
            }
        }
        for (String file : ETC_FILES) {
            Path host = Path.of("/etc", file);
            if (Files.exists(host)) {
                args.addAll(List.of("--ro-bind", host.toString(), host.toString()));
            }
        }
        args.addAll(List.of("--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp"));
        for (Bind bind : binds) {
            args.addAll(List.of(bind.readOnly() ? "--ro-bind" : "--bind", bind.source().toString(), bind.target()));
        }
        env.forEach((name, value) -> args.addAll(List.of("--setenv", name, value)));
        args.addAll(List.of("--chdir", workingDir, "--"));
        args.addAll(command);
        return args;
    }

    private static String readLink(Path link) {
        try {
            return Files.readSymbolicLink(link).toString();
        } catch (IOException e) {
            throw new LocalBackendException("could not read the link " + link + ": " + e.getMessage(), e);
        }
    }
}
