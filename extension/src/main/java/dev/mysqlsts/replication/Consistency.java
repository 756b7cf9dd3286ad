package dev.mysqlsts.replication;

import static org.apiguardian.api.API.Status.INTERNAL;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apiguardian.api.API;

/** Compares the checksum of every user table across pods. */
@API(status = INTERNAL)
public final class Consistency {

    /** The server's own schemas, as an SQL list: every other schema is a user's. */
    public static final String SERVER_SCHEMAS = "('mysql', 'information_schema', 'performance_schema', 'sys')";

    private static final String USER_TABLES = "SELECT TABLE_SCHEMA, TABLE_NAME FROM information_schema.TABLES "
            + "WHERE TABLE_TYPE = 'BASE TABLE' AND TABLE_SCHEMA NOT IN " + SERVER_SCHEMAS + " ORDER BY 1, 2";

    private Consistency() {
    }

    /**
     * The differences between pods: one line per table whose checksum differs from the reference pod's (or that
     * some pods lack), empty when every pod holds the same rows.
     *
     * @param adminUrls pod name to admin JDBC URL, the reference pod first
     */
    public static List<String> differences(Map<String, String> adminUrls) {
        List<String> differences = new ArrayList<>();
        checksums(adminUrls).forEach((table, checksums) -> {
            String reference = checksums.values().iterator().next();
            if (checksums.values().stream().anyMatch(value -> !Objects.equals(value, reference))) {
                StringBuilder line = new StringBuilder(table).append(':');
                checksums.forEach((pod, value) -> line.append(' ').append(pod).append('=')
                        .append(value == null ? "(no such table)" : value)
                        .append(Objects.equals(value, reference) ? "" : " (differs)"));
                differences.add(line.toString());
            }
        });
        return differences;
    }

    /**
     * The pods whose rows differ from the reference pod's, each with the tables that differ (or that one of the two
     * lacks); empty when every pod holds the same rows.
     *
     * @param adminUrls pod name to admin JDBC URL, the reference pod first
     */
    public static Map<String, List<String>> divergentPods(Map<String, String> adminUrls) {
        Map<String, List<String>> divergent = new LinkedHashMap<>();
        checksums(adminUrls).forEach((table, checksums) -> {
            String reference = checksums.values().iterator().next();
            checksums.forEach((pod, value) -> {
                if (!Objects.equals(value, reference)) {
                    divergent.computeIfAbsent(pod, any -> new ArrayList<>()).add(table);
                }
            });
        });
        return divergent;
    }

    /**
     * Table (schema.name) to its checksum per pod (null where the pod lacks it): two statements per pod, the table
     * list and one {@code CHECKSUM TABLE} of every table any pod has (a missing one gives NULL and a warning).
     */
    private static Map<String, Map<String, String>> checksums(Map<String, String> adminUrls) {
        TreeSet<String> tables = new TreeSet<>();
        adminUrls.values().forEach(url -> Sql.rows(url, Replication.STATEMENT_TIMEOUT, USER_TABLES)
                .forEach(row -> tables.add(quote(row.get("TABLE_SCHEMA")) + "." + quote(row.get("TABLE_NAME")))));
        Map<String, Map<String, String>> checksums = new TreeMap<>();
        if (tables.isEmpty()) {
            return checksums;
        }
        String statement = "CHECKSUM TABLE " + String.join(", ", tables);
        adminUrls.forEach((pod, url) -> {
            for (Map<String, String> row : Sql.rows(url, Replication.STATEMENT_TIMEOUT, statement)) {
                checksums.computeIfAbsent(row.get("Table"), any -> new LinkedHashMap<>()).put(pod, row.get("Checksum"));
            }
        });
        return checksums;
    }

    private static String quote(String name) {
        return "`" + name.replace("`", "``") + "`";
    }
}
