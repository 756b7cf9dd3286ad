package dev.mysqlsts.local;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The options a server binary knows, read once from its {@code --help --verbose}, and the option a name in a config
 * file sets, as the server's option parser ({@code mysys/my_getopt.c}) finds it: the exact name, else a unique
 * prefix of one ({@code bind} sets {@code bind-address}), else after a {@code skip-}, {@code enable-},
 * {@code disable-} or {@code maximum-} prefix; {@code loose-} only turns an unknown option into a warning.
 */
final class ServerOptions {

    private static final Map<Path, ServerOptions> KNOWN = new ConcurrentHashMap<>();
    private static final Pattern OPTION = Pattern.compile("^ {2}(?:-\\S, )?--([a-z0-9_-]+)", Pattern.MULTILINE);
    private static final String LOOSE = "loose-";
    private static final List<String> PREFIXES = List.of("skip-", "enable-", "disable-", "maximum-");

    private final Set<String> names;

    ServerOptions(Set<String> names) {
        this.names = Set.copyOf(names);
    }

    static ServerOptions of(ServerBinaries binaries, Path scratch) {
        return KNOWN.computeIfAbsent(binaries.server(), server -> {
            List<String> command = new ArrayList<>(List.of(server.toString(), "--no-defaults",
                    "--basedir=" + binaries.basedir(), "--help", "--verbose"));
            if (ServerProcess.runningAsRoot()) {
                command.add("--user=root");
            }
            if (binaries.isMySql()) { // mysqld checks its secure_file_priv directory even for --help (ServerFamily)
                command.add("--secure-file-priv=" + ServerFamily.secureFilePriv(scratch));
            }
            String help = Commands.run(command, scratch.resolve("server-help.log"), Duration.ofSeconds(60));
            Set<String> names = parse(help);
            if (names.size() < 50) {
                throw new LocalBackendException(server + " --help --verbose listed only " + names.size()
                        + " options; is it a working MariaDB or MySQL server?");
            }
            return new ServerOptions(names);
        });
    }

    /** Whether the server accepts this option name as written in a config file. */
    boolean knows(String option) {
        return normalize(option).startsWith(LOOSE) || canonical(option).isPresent();
    }

    /**
     * The option the server sets for a name written in a config file (without its {@code loose-}, {@code skip-},
     * {@code enable-}, {@code disable-} or {@code maximum-} prefix), or empty when it knows none.
     */
    Optional<String> canonical(String option) {
        String name = normalize(option);
        if (name.startsWith(LOOSE)) {
            name = name.substring(LOOSE.length());
        }
        Optional<String> found = find(name);
        if (found.isPresent()) {
            return found;
        }
        for (String prefix : PREFIXES) {
            if (name.startsWith(prefix)) {
                found = find(name.substring(prefix.length()));
                if (found.isPresent()) {
                    return found;
                }
            }
        }
        return Optional.empty();
    }

    /** The exact name, else the one option that the name is a prefix of (my_getopt's prefix matching). */
    private Optional<String> find(String name) {
        if (names.contains(name)) {
            return Optional.of(name);
        }
        List<String> candidates = names.stream().filter(known -> known.startsWith(name)).limit(2).toList();
        return candidates.size() == 1 ? Optional.of(candidates.get(0)) : Optional.empty();
    }

    /** The option names read from a server's {@code --help --verbose} output. */
    static Set<String> parse(String help) {
        Set<String> names = new HashSet<>();
        Matcher matcher = OPTION.matcher(help);
        while (matcher.find()) {
            names.add(normalize(matcher.group(1)));
        }
        return names;
    }

    static String normalize(String option) {
        return option.trim().toLowerCase().replace('_', '-');
    }
}
