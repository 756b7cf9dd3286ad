package dev.mysqlsts.local;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Server versions as a user writes them ({@code 10.11}, {@code 11.4.5}) and as servers print them. */
final class ServerVersions {

    private static final Pattern REQUESTED = Pattern.compile("\\d+\\.\\d+(\\.\\d+)?");
    /** The leading dotted numbers of {@code 10.11.19-MariaDB-0+deb12u1}. */
    private static final Pattern LEADING = Pattern.compile("^\\d+(\\.\\d+)*");

    /** Newest first: 11.4.5 before 10.11.19 before 10.11.5. */
    static final Comparator<List<Integer>> NEWEST_FIRST = ServerVersions::compareDescending;

    private ServerVersions() {
    }

    /** Whether a {@code server} word is a version ({@code 10.11}, {@code 10.11.5}) rather than a path. */
    static boolean isVersion(String word) {
        return REQUESTED.matcher(word).matches();
    }

    /** Whether a version without its patch number ({@code 11.4}) names a series. */
    static boolean isSeries(String requested) {
        return numbers(requested).size() == 2;
    }

    /** Whether a server's {@code version} is the {@code requested} one: 10.11 is 10.11.19, 10.11.5 is only 10.11.5. */
    static boolean matches(String requested, String version) {
        List<Integer> wanted = numbers(requested);
        List<Integer> actual = numbers(version);
        return actual.size() >= wanted.size() && actual.subList(0, wanted.size()).equals(wanted);
    }

    /** Whether {@code requested} is older than {@code minimum} (both dotted versions). */
    static boolean olderThan(String requested, String minimum) {
        List<Integer> wanted = numbers(requested);
        List<Integer> floor = numbers(minimum);
        return compareDescending(wanted.subList(0, Math.min(wanted.size(), floor.size())), floor) > 0;
    }

    static List<Integer> numbers(String version) {
        Matcher leading = LEADING.matcher(version);
        List<Integer> numbers = new ArrayList<>();
        if (leading.find()) {
            for (String part : leading.group().split("\\.")) {
                numbers.add(Integer.parseInt(part));
            }
        }
        return numbers;
    }

    private static int compareDescending(List<Integer> a, List<Integer> b) {
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            int c = Integer.compare(b.get(i), a.get(i));
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(b.size(), a.size());
    }
}
