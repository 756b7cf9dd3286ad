package dev.mysqlsts.replication;

import static org.apiguardian.api.API.Status.INTERNAL;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import org.apiguardian.api.API;

/** Compares the checksum of every user table across pods. */
@API(status = INTERNAL)
public final class Consistency {

    private static final String USER_TABLES = "SELECT TABLE_SCHEMA, TABLE_NAME FROM information_schema.TABLES "
            + "WHERE TABLE_TYPE = 'BASE TABLE' AND TABLE_SCHEMA NOT IN "
            + "('mysql', 'information_schema', 'performance_schema', 'sys') ORDER BY 1, 2";

    private Consistency() {
    }

    /**
     * The differences between pods: one line per table whose checksum differs from the reference pod's (or that
     * some pods lack), empty when every pod holds the same rows.
     *
     * @param adminUrls pod name to admin JDBC URL, the reference pod first
     */
    public static List<String> differences(Map<String, String> adminUrls) {
        TreeSet<String> tables = new TreeSet<>();
        adminUrls.values().forEach(url -> Sql.rows(url, Replication.STATEMENT_TIMEOUT, USER_TABLES)
                .forEach(row -> tables.add(quote(row.get("TABLE_SCHEMA")) + "." + quote(row.get("TABLE_NAME")))));
        List<String> differences = new ArrayList<>();
        for (String table : tables) {
            Map<String, String> checksums = new LinkedHashMap<>();
            adminUrls.forEach((pod, url) -> checksums.put(pod, checksum(url, table)));
            String reference = checksums.values().iterator().next();
            if (checksums.values().stream().anyMatch(value -> !Objects.equals(value, reference))) {
                StringBuilder line = new StringBuilder(table.replace("`", "")).append(':');
                checksums.forEach((pod, value) -> line.append(' ').append(pod).append('=')
                        .append(value == null ? "(no such table)" : value)
                        .append(Objects.equals(value, reference) ? "" : " (differs)"));
                differences.add(line.toString());
            }
        }
        return differences;
    }

    private static String checksum(String url, String table) {
        return Sql.rows(url, Replication.STATEMENT_TIMEOUT, "CHECKSUM TABLE " + table).get(0).get("Checksum");
    }

    private static String quote(String name) {
        return "`" + name.replace("`", "``") + "`";
    }
}
