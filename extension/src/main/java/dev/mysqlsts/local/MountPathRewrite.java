package dev.mysqlsts.local;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where bubblewrap is not installed: an init container's command with each volume's mount path, wherever it is
 * written, replaced by the directory that stands for the volume on this host ({@code cp /mnt/config-map/x.cnf
 * /mnt/conf.d/} copies between the pod's directories). A path the script assembles at run time is not followed, which
 * is why bubblewrap is preferred and its absence is logged.
 */
final class MountPathRewrite {

    private MountPathRewrite() {
    }

    static List<String> command(List<Bubblewrap.Bind> binds, List<String> command) {
        List<Bubblewrap.Bind> longestFirst = new ArrayList<>(binds);
        longestFirst.sort(Comparator.comparingInt((Bubblewrap.Bind bind) -> bind.target().length()).reversed());
        List<String> rewritten = new ArrayList<>();
        for (String argument : command) {
            for (Bubblewrap.Bind bind : longestFirst) {
                // the mount path as a whole path or a path's start: /mnt/conf.d and /mnt/conf.d/x, not /mnt/conf.dx
                Pattern path = Pattern.compile(Pattern.quote(trimSlash(bind.target())) + "(?=/|$|[^A-Za-z0-9._-])");
                argument = path.matcher(argument).replaceAll(Matcher.quoteReplacement(bind.source().toString()));
            }
            rewritten.add(argument);
        }
        return rewritten;
    }

    private static String trimSlash(String path) {
        return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }
}
