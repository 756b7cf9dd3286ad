package dev.mysqlsts.replication;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** MariaDB GTID positions ({@code domain-server-sequence}, comma-separated per domain) and how they compare. */
final class Gtids {

    private Gtids() {
    }

    /** Domain to its last GTID. */
    static Map<Long, long[]> parse(String position) {
        Map<Long, long[]> byDomain = new LinkedHashMap<>();
        if (position == null || position.isBlank()) {
            return byDomain;
        }
        for (String gtid : position.split(",")) {
            String[] parts = gtid.trim().split("-");
            byDomain.put(Long.parseLong(parts[0]), new long[] {Long.parseLong(parts[1]), Long.parseLong(parts[2])});
        }
        return byDomain;
    }

    /** The GTIDs of {@code position} beyond {@code reference}, as text; empty when none is. */
    static List<String> beyond(String position, String reference) {
        Map<Long, long[]> ref = parse(reference);
        List<String> ahead = new ArrayList<>();
        parse(position).forEach((domain, gtid) -> {
            long[] known = ref.get(domain);
            if (known == null || gtid[1] > known[1]) {
                long from = known == null ? 1 : known[1] + 1;
                ahead.add(domain + "-" + gtid[0] + "-" + (from == gtid[1] ? gtid[1] : from + ".." + gtid[1]));
            }
        });
        return ahead;
    }
}
