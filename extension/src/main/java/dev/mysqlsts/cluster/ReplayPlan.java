package dev.mysqlsts.cluster;

import dev.mysqlsts.FaultEvent;
import dev.mysqlsts.statements.RecordedStatement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.ToIntFunction;
import java.util.stream.Collectors;

/**
 * {@code replay.tsv}: what {@code reproduce.sh} replays, one event a line, ordered by time, with tab-separated
 * fields ({@code -} for none; bash's {@code read} would merge empty ones):
 * <pre>
 * offset-ms  S  connection  ordinal  outcome  statement     a statement (escaped as in statements/all.tsv)
 * offset-ms  C  connection  ordinal  -        -             the connection closed
 * offset-ms  F  -           ordinals kind     detail        a fault began (ordinals comma-separated)
 * offset-ms  E  -           ordinals kind     -             it ended
 * offset-ms  M  -           ordinals kind     -             promote, rebuild, repair (not replayed)
 * </pre>
 * Offsets are milliseconds since the first event. Connector/J's own statements at connect are left out; a connection
 * to an endpoint (writer, read) is replayed on ordinal 0, the leader of the script's topology.
 */
final class ReplayPlan {

    private record Event(Instant at, long order, String line) {
    }

    private ReplayPlan() {
    }

    static List<String> lines(List<RecordedStatement> statements, List<FaultEvent> faults, List<String> details,
                              List<FaultEvent> markers, ToIntFunction<String> ordinalOf) {
        List<Event> events = new ArrayList<>();
        long order = 0;
        for (RecordedStatement s : statements) {
            if (s.driver()) {
                continue;
            }
            int ordinal = ordinalOf.applyAsInt(s.pod());
            events.add(new Event(s.started(), order++, s.isClose()
                    ? "C\t" + s.connection() + "\t" + ordinal + "\t-\t-"
                    : "S\t" + s.connection() + "\t" + ordinal + "\t" + StatementFiles.outcome(s) + "\t"
                            + StatementFiles.escape(s.sql())));
        }
        for (int i = 0; i < faults.size(); i++) {
            FaultEvent fault = faults.get(i);
            String pods = fault.ordinals().stream().map(String::valueOf).collect(Collectors.joining(","));
            String detail = i < details.size() && !details.get(i).isBlank() ? details.get(i).replaceAll("\\s+", "") : "-";
            events.add(new Event(fault.started(), order++, "F\t-\t" + pods + "\t" + fault.kind() + "\t" + detail));
            if (fault.ended() != null) {
                events.add(new Event(fault.ended(), order++, "E\t-\t" + pods + "\t" + fault.kind() + "\t-"));
            }
        }
        for (FaultEvent marker : markers) {
            String pods = marker.ordinals().isEmpty() ? "-"
                    : marker.ordinals().stream().map(String::valueOf).collect(Collectors.joining(","));
            events.add(new Event(marker.started(), order++, "M\t-\t" + pods + "\t" + marker.kind() + "\t-"));
        }
        events.sort(Comparator.comparing(Event::at).thenComparingLong(Event::order));
        long first = events.isEmpty() ? 0 : events.get(0).at().toEpochMilli();
        List<String> lines = new ArrayList<>();
        lines.add("# offset-ms\ttype\tconnection\tordinals\toutcome-or-kind\tstatement-or-detail (see ReplayPlan)");
        for (Event event : events) {
            lines.add((event.at().toEpochMilli() - first) + "\t" + event.line());
        }
        return lines;
    }
}
