package dev.mysqlsts.local;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The options a server binary knows, read once from its {@code --help --verbose}. */
final class ServerOptions {

    private static final Map<Path, ServerOptions> KNOWN = new ConcurrentHashMap<>();
    private static final Pattern OPTION = Pattern.compile("^\\s{2}--([a-z0-9_-]+)", Pattern.MULTILINE);
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
            String help = Commands.run(command, scratch.resolve("server-help.log"), Duration.ofSeconds(60));
            Set<String> names = new HashSet<>();
            Matcher matcher = OPTION.matcher(help);
            while (matcher.find()) {
                names.add(normalize(matcher.group(1)));
            }
            if (names.size() < 50) {
                throw new LocalBackendException(server + " --help --verbose listed only " + names.size()
                        + " options; is it a working MariaDB server?");
            }
            return new ServerOptions(names);
        });
    }

    /** Whether the server accepts this option name as written in a config file. */
    boolean knows(String option) {
        String name = normalize(option);
        if (name.startsWith("loose-") || names.contains(name)) {
            return true;
        }
        return PREFIXES.stream().anyMatch(prefix -> name.startsWith(prefix) && names.contains(name.substring(prefix.length())));
    }

    static String normalize(String option) {
        return option.trim().toLowerCase().replace('_', '-');
    }
}
