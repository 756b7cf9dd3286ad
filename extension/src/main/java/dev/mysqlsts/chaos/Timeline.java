package dev.mysqlsts.chaos;

import dev.mysqlsts.FaultEvent;
import dev.mysqlsts.MySqlCluster;
import dev.mysqlsts.chaos.Operation.Outcome;
import dev.mysqlsts.faults.FaultHistory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Collectors;

/**
 * One self-contained HTML page with an SVG timeline of a test: a lane per pod with its faults as bands, the
 * periods it led and its replication lag as a line; a lane of the write rate split by outcome; promotions, rebuilds
 * and repairs as vertical markers; below, the fault history and the verdict as text. No script, no external file.
 */
final class Timeline {

    private static final int WIDTH = 1200;
    private static final int LEFT = 120;
    private static final int RIGHT = 30;
    private static final int BAND = 16;
    private static final int LAG = 44;
    private static final int WRITES = 90;
    private static final Map<String, String> COLORS = Map.ofEntries(
            Map.entry("kill", "#d62728"), Map.entry("failover", "#000000"), Map.entry("killAll", "#8c1515"), Map.entry("powerCut", "#4a0a0a"), Map.entry("deletePod", "#e377c2"),
            Map.entry("pause", "#1f77b4"), Map.entry("isolate", "#9467bd"), Map.entry("partition", "#7f4fbf"),
            Map.entry("cut", "#bcbd22"), Map.entry("latency", "#ff7f0e"), Map.entry("breakReadiness", "#8c564b"),
            Map.entry("stopReplication", "#17becf"), Map.entry("delayReplication", "#2ca02c"),
            Map.entry("client-latency", "#ffbb78"), Map.entry("client-bandwidth", "#dbdb8d"),
            Map.entry("client-blackhole", "#393b79"), Map.entry("client-reset", "#e7298a"),
            Map.entry("client-refuse", "#636363"), Map.entry("loss", "#843c39"), Map.entry("jitter", "#637939"),
            Map.entry("bandwidth", "#3182bd"), Map.entry("clock-skew", "#9c9ede"), Map.entry("disk-full", "#e6550d"),
            Map.entry("io-errors", "#a50f15"));

    private final MySqlCluster cluster;
    private final String testName;
    private final long from;
    private final long to;
    private final List<FaultEvent> faults;
    private final List<FaultEvent> markers;
    private final List<Operation> ops;
    private final List<Sample> samples;
    private final Optional<Verdict> verdict;
    private final OptionalLong seed;
    private final Optional<Path> reproduction;
    private final StringBuilder svg = new StringBuilder();

    Timeline(MySqlCluster cluster, String testName, Instant began, Instant ended, FaultHistory history,
             LedgerWorkload ledger, OptionalLong seed, Optional<Path> reproduction) {
        this.reproduction = reproduction;
        this.cluster = cluster;
        this.testName = testName;
        this.faults = history.faults();
        this.markers = history.markers();
        this.ops = ledger == null ? List.of() : ledger.operations();
        this.samples = ledger == null ? List.of() : ledger.samples();
        this.verdict = ledger == null ? Optional.empty() : ledger.verdict();
        this.seed = seed;
        long start = began.toEpochMilli();
        if (ledger != null && ledger.wasStarted()) {
            start = Math.min(start, ledger.startedAt());
        }
        for (FaultEvent f : faults) {
            start = Math.min(start, f.started().toEpochMilli());
        }
        this.from = start;
        this.to = Math.max(ended.toEpochMilli(), start + 1000);
    }

    void write(Path path) throws IOException {
        Files.createDirectories(path.toAbsolutePath().getParent());
        Files.writeString(path, html(), StandardCharsets.UTF_8);
    }

    String html() {
        int pods = pods();
        Map<Integer, List<List<FaultEvent>>> slots = new HashMap<>();
        for (int pod = 0; pod < pods; pod++) {
            slots.put(pod, slots(pod));
        }
        List<Integer> laneTops = new ArrayList<>();
        int y = 40 + 13 * markerRows().stream().mapToInt(Integer::intValue).max().orElse(0);
        for (int pod = 0; pod < pods; pod++) {
            laneTops.add(y);
            y += laneHeight(slots.get(pod).size());
        }
        int writesTop = y + 10;
        int axis = writesTop + WRITES + 10;
        int height = axis + 40;

        svg.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(WIDTH).append("\" height=\"")
                .append(height).append("\" font-family=\"sans-serif\" font-size=\"11\">\n");
        svg.append("<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>\n");
        legend();
        Staleness staleness = new Staleness(Checker.acknowledged(ops));
        double maxLag = maxLag(staleness);
        for (int pod = 0; pod < pods; pod++) {
            lane(pod, laneTops.get(pod), slots.get(pod), staleness, maxLag);
        }
        writes(writesTop);
        markers(laneTops.isEmpty() ? 40 : laneTops.get(0), axis);
        axis(axis);
        svg.append("</svg>\n");

        StringBuilder page = new StringBuilder();
        page.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>")
                .append(esc(testName)).append(" - timeline</title>\n<style>body{font-family:sans-serif;margin:16px;"
                        + "color:#222}h1{font-size:18px;margin:0 0 4px}p{margin:4px 0;font-size:13px}"
                        + "table{border-collapse:collapse;font-size:12px;margin-top:10px}"
                        + "td,th{border:1px solid #ccc;padding:2px 8px;text-align:left}</style></head><body>\n");
        page.append("<h1>").append(esc(testName)).append("</h1>\n<p>").append(esc(Verdict.TIME.format(
                Instant.ofEpochMilli(from)))).append(" to ").append(esc(Verdict.TIME.format(Instant.ofEpochMilli(to))))
                .append(" (").append(String.format(Locale.ROOT, "%.1f", (to - from) / 1000.0)).append(" s)");
        seed.ifPresent(s -> page.append("; chaos seed <b>").append(s).append("</b> (replay: <code>-D")
                .append(Experiment.SEED_PROPERTY).append('=').append(s).append("</code>)"));
        page.append("</p>\n");
        reproduction.ifPresent(dir -> page.append("<p><b>Reproduction bundle:</b> <code>").append(esc(dir.toString()))
                .append("</code> (its <code>reproduce.sh</code> replays the statements and the faults it can with plain "
                        + "mariadbd; README.txt there says what it cannot)</p>\n"));
        if (verdict.isPresent()) {
            page.append("<p><b>Verdict:</b> ").append(esc(verdict.get().summary())).append("</p>\n");
        } else if (!ops.isEmpty()) {
            page.append("<p><b>Verdict:</b> none (the test did not call ledger.stop()); ").append(count(Outcome.ACKNOWLEDGED))
                    .append(" acknowledged, ").append(count(Outcome.FAILED)).append(" failed, ")
                    .append(count(Outcome.UNKNOWN)).append(" unknown</p>\n");
        }
        page.append(svg);
        page.append("<table><tr><th>fault</th><th>pods</th><th>started</th><th>ended</th></tr>\n");
        for (FaultEvent f : faults) {
            page.append("<tr><td>").append(esc(f.kind())).append("</td><td>").append(esc(names(f.ordinals())))
                    .append("</td><td>").append(Verdict.TIME.format(f.started())).append("</td><td>")
                    .append(f.ended() == null ? "in force at the end" : Verdict.TIME.format(f.ended()))
                    .append("</td></tr>\n");
        }
        for (FaultEvent m : markers) {
            page.append("<tr><td><i>").append(esc(m.kind())).append("</i></td><td>").append(esc(names(m.ordinals())))
                    .append("</td><td>").append(Verdict.TIME.format(m.started())).append("</td><td>")
                    .append(m.ended() == null ? "" : Verdict.TIME.format(m.ended())).append("</td></tr>\n");
        }
        page.append("</table>\n</body></html>\n");
        return page.toString();
    }

    private int pods() {
        int pods = cluster.replicas();
        for (FaultEvent f : faults) {
            for (int n : f.ordinals()) {
                pods = Math.max(pods, n + 1);
            }
        }
        for (Sample s : samples) {
            pods = Math.max(pods, s.pod() + 1);
        }
        return pods;
    }

    private static int laneHeight(int slots) {
        return 20 + Math.max(1, slots) * (BAND + 2) + LAG + 8;
    }

    /** The faults that touch the pod, packed in rows so that none overlaps another. */
    private List<List<FaultEvent>> slots(int pod) {
        List<List<FaultEvent>> rows = new ArrayList<>();
        for (FaultEvent f : faults) {
            if (!touches(f, pod)) {
                continue;
            }
            List<FaultEvent> free = null;
            for (List<FaultEvent> row : rows) {
                FaultEvent last = row.get(row.size() - 1);
                if (end(last) <= f.started().toEpochMilli()) {
                    free = row;
                    break;
                }
            }
            if (free == null) {
                free = new ArrayList<>();
                rows.add(free);
            }
            free.add(f);
        }
        return rows;
    }

    private boolean touches(FaultEvent f, int pod) {
        return switch (f.kind()) {
            case "killAll", "powerCut", "partition" -> true;
            default -> f.ordinals().contains(pod);
        };
    }

    private String label(FaultEvent f, int pod) {
        return switch (f.kind()) {
            case "partition" -> "partition";
            case "cut" -> f.ordinals().get(0) == pod ? "cut \u2192 " + name(f.ordinals().get(1))
                    : "cut \u2190 " + name(f.ordinals().get(0));
            default -> f.kind();
        };
    }

    /** The label, or its start and an ellipsis, as fits the band's width; empty when not even that fits. */
    private static String fit(String label, double width) {
        int chars = (int) ((width - 6) / 6.2);
        if (chars >= label.length()) {
            return label;
        }
        return chars >= 4 ? label.substring(0, chars - 1) + "\u2026" : "";
    }

    private String tooltip(FaultEvent f) {
        return switch (f.kind()) {
            case "partition" -> "partition: " + names(f.ordinals()) + " | the others";
            case "cut" -> "cut: packets from " + name(f.ordinals().get(0)) + " to " + name(f.ordinals().get(1)) + " dropped";
            case "loss", "jitter", "bandwidth" -> f.kind() + " on the links of " + names(f.ordinals())
                    + " to the other pods";
            case "clock-skew" -> "clock-skew: the wall clock of " + names(f.ordinals()) + " moved";
            case "disk-full" -> "disk-full on " + names(f.ordinals()) + ": appending writes fail with ENOSPC, MariaDB "
                    + "waits for space";
            case "io-errors" -> "io-errors on " + names(f.ordinals()) + ": writes and fsyncs fail with EIO";
            default -> f.kind() + " on " + names(f.ordinals());
        };
    }

    private long end(FaultEvent f) {
        return f.ended() == null ? to : f.ended().toEpochMilli();
    }

    private void lane(int pod, int top, List<List<FaultEvent>> rows, Staleness staleness, double maxLag) {
        int height = laneHeight(rows.size());
        svg.append("<g class=\"lane\" data-pod=\"").append(esc(name(pod))).append("\">\n");
        svg.append("<rect x=\"").append(LEFT).append("\" y=\"").append(top).append("\" width=\"")
                .append(WIDTH - LEFT - RIGHT).append("\" height=\"").append(height - 4)
                .append("\" fill=\"").append(pod % 2 == 0 ? "#f7f7f9" : "#fbfbfc").append("\" stroke=\"#ddd\"/>\n");
        text(8, top + 16, name(pod), "font-weight=\"bold\" font-size=\"13\"");
        leaderBars(pod, top);
        int row = 0;
        for (List<FaultEvent> slot : rows) {
            int y = top + 20 + row * (BAND + 2);
            for (FaultEvent f : slot) {
                double x1 = x(f.started().toEpochMilli());
                double x2 = Math.max(x(end(f)), x1 + 3);
                String color = COLORS.getOrDefault(f.kind(), "#555");
                svg.append("<g class=\"fault\" data-kind=\"").append(esc(f.kind())).append("\" data-pod=\"")
                        .append(esc(name(pod))).append("\"><title>").append(esc(tooltip(f) + ": "
                        + Verdict.TIME.format(f.started()) + " to "
                        + (f.ended() == null ? "the end" : Verdict.TIME.format(f.ended())))).append("</title>");
                svg.append("<rect x=\"").append(fmt(x1)).append("\" y=\"").append(y).append("\" width=\"")
                        .append(fmt(x2 - x1)).append("\" height=\"").append(BAND).append("\" rx=\"3\" fill=\"")
                        .append(color).append("\" fill-opacity=\"0.8\"/>");
                String label = fit(label(f, pod), x2 - x1);
                if (!label.isEmpty()) {
                    svg.append("<text x=\"").append(fmt(x1 + 4)).append("\" y=\"").append(y + 12)
                            .append("\" fill=\"#fff\">").append(esc(label)).append("</text>");
                }
                svg.append("</g>\n");
            }
            row++;
        }
        int lagBottom = top + height - 10;
        lagLine(pod, lagBottom, staleness, maxLag);
        svg.append("</g>\n");
    }

    /**
     * A thin dark bar over the periods the pod was the leader: the leader when the test began (as the ledger's
     * samplers saw it, else ordinal 0 when a promotion followed, else the leader now), then each promotion's pod.
     */
    private void leaderBars(int pod, int top) {
        List<FaultEvent> promotions = markers.stream().filter(m -> m.kind().equals("promote")).toList();
        int leader = !samples.isEmpty() ? samples.get(0).leader()
                : promotions.isEmpty() ? cluster.leader().ordinal() : 0;
        long since = from;
        boolean led = false;
        for (FaultEvent promotion : promotions) {
            long at = (promotion.ended() == null ? promotion.started() : promotion.ended()).toEpochMilli();
            if (leader == pod) {
                leaderBar(top, since, at);
                led = true;
            }
            leader = promotion.ordinals().get(0);
            since = at;
        }
        if (leader == pod) {
            leaderBar(top, since, to);
            led = true;
        }
        if (led) {
            text(8, top + 30, "leader (bar)", "fill=\"#666\"");
        }
    }

    private void leaderBar(int top, long start, long end) {
        svg.append("<rect x=\"").append(fmt(x(start))).append("\" y=\"").append(top + 2).append("\" width=\"")
                .append(fmt(Math.max(1, x(end) - x(start)))).append("\" height=\"3\" fill=\"#333\"><title>leader</title></rect>\n");
    }

    private double maxLag(Staleness staleness) {
        double max = 1000;
        for (Sample s : samples) {
            if (s.pod() != s.leader()) {
                max = Math.max(max, staleness.at(s.at(), s.newest()));
            }
        }
        return max;
    }

    private void lagLine(int pod, int bottom, Staleness staleness, double maxLag) {
        List<Sample> own = samples.stream().filter(s -> s.pod() == pod).sorted(
                java.util.Comparator.comparingLong(Sample::at)).toList();
        svg.append("<line x1=\"").append(LEFT).append("\" x2=\"").append(WIDTH - RIGHT).append("\" y1=\"")
                .append(bottom).append("\" y2=\"").append(bottom).append("\" stroke=\"#ccc\"/>\n");
        if (own.isEmpty()) {
            return;
        }
        StringBuilder points = new StringBuilder();
        long worst = 0;
        for (Sample s : own) {
            long lag = s.pod() == s.leader() ? 0 : staleness.at(s.at(), s.newest());
            worst = Math.max(worst, lag);
            points.append(fmt(x(s.at()))).append(',').append(fmt(bottom - lag / maxLag * LAG)).append(' ');
        }
        svg.append("<polyline fill=\"none\" stroke=\"#0b6\" stroke-width=\"1.5\" points=\"").append(points)
                .append("\"><title>replication lag of ").append(name(pod)).append("</title></polyline>\n");
        text(8, bottom - 4, "lag, max " + seconds(worst), "fill=\"#0b6\"");
        text(WIDTH - RIGHT + 2, bottom - LAG + 8, seconds((long) maxLag), "fill=\"#999\" font-size=\"9\"");
    }

    private void writes(int top) {
        svg.append("<rect x=\"").append(LEFT).append("\" y=\"").append(top).append("\" width=\"")
                .append(WIDTH - LEFT - RIGHT).append("\" height=\"").append(WRITES).append("\" fill=\"#fcfcfc\" stroke=\"#ddd\"/>\n");
        text(8, top + 16, "writes", "font-weight=\"bold\" font-size=\"13\"");
        if (ops.isEmpty()) {
            text(8, top + 32, "(no ledger)", "fill=\"#999\"");
            return;
        }
        long bucket = Math.max(100, (to - from) / 150);
        int buckets = (int) ((to - from) / bucket) + 1;
        long[][] counts = new long[buckets][3];
        for (Operation op : ops) {
            int b = (int) ((op.completed() - from) / bucket);
            if (b >= 0 && b < buckets) {
                counts[b][op.outcome().ordinal()]++;
            }
        }
        long max = 1;
        for (long[] c : counts) {
            max = Math.max(max, c[0] + c[1] + c[2]);
        }
        String[] colors = {"#2ca02c", "#d62728", "#ff7f0e"};
        for (int b = 0; b < buckets; b++) {
            double x1 = x(from + b * bucket);
            double w = Math.max(1, x(from + (b + 1) * bucket) - x1 - 0.5);
            double base = top + WRITES - 2;
            for (int o = 0; o < 3; o++) {
                if (counts[b][o] == 0) {
                    continue;
                }
                double h = counts[b][o] * (WRITES - 20.0) / max;
                base -= h;
                svg.append("<rect x=\"").append(fmt(x1)).append("\" y=\"").append(fmt(base)).append("\" width=\"")
                        .append(fmt(Math.min(w, WIDTH - RIGHT - x1))).append("\" height=\"").append(fmt(h))
                        .append("\" fill=\"").append(colors[o]).append("\"/>");
            }
        }
        svg.append('\n');
        double perSecond = max * 1000.0 / bucket;
        text(8, top + 32, String.format(Locale.ROOT, "peak %.0f/s", perSecond), "fill=\"#666\"");
        text(8, top + 46, count(Outcome.ACKNOWLEDGED) + " acknowledged", "fill=\"#2ca02c\"");
        text(8, top + 60, count(Outcome.FAILED) + " failed", "fill=\"#d62728\"");
        text(8, top + 74, count(Outcome.UNKNOWN) + " unknown", "fill=\"#ff7f0e\"");
    }

    private long count(Outcome outcome) {
        return ops.stream().filter(op -> op.outcome() == outcome).count();
    }

    /** The rows of marker labels above the lanes, so that no two overlap. */
    private List<Integer> markerRows() {
        List<Double> rowEnds = new ArrayList<>();
        List<Integer> rows = new ArrayList<>();
        for (FaultEvent m : markers) {
            double x = x(m.started().toEpochMilli());
            double width = (m.kind().length() + 1 + names(m.ordinals()).length()) * 6.5 + 6;
            int row = 0;
            while (row < rowEnds.size() && rowEnds.get(row) > x) {
                row++;
            }
            if (row == rowEnds.size()) {
                rowEnds.add(0.0);
            }
            rowEnds.set(row, x + width);
            rows.add(row);
        }
        return rows;
    }

    private void markers(int top, int bottom) {
        List<Integer> rows = markerRows();
        for (int i = 0; i < markers.size(); i++) {
            FaultEvent m = markers.get(i);
            int labelY = top - 8 - 13 * rows.get(i);
            double x = x(m.started().toEpochMilli());
            String label = m.kind() + " " + names(m.ordinals());
            svg.append("<g class=\"marker\" data-kind=\"").append(esc(m.kind())).append("\"><title>")
                    .append(esc(label + " at " + Verdict.TIME.format(m.started()))).append("</title>")
                    .append("<line x1=\"").append(fmt(x)).append("\" x2=\"").append(fmt(x)).append("\" y1=\"")
                    .append(labelY + 2).append("\" y2=\"").append(bottom).append("\" stroke=\"#000\" stroke-width=\"1.5\" "
                            + "stroke-dasharray=\"5,3\"/>");
            if (m.ended() != null && m.ended().isAfter(m.started())) {
                svg.append("<rect x=\"").append(fmt(x)).append("\" y=\"").append(top - 6).append("\" width=\"")
                        .append(fmt(Math.max(1, x(m.ended().toEpochMilli()) - x))).append("\" height=\"")
                        .append(bottom - top + 6).append("\" fill=\"#000\" fill-opacity=\"0.06\"/>");
            }
            svg.append("<text x=\"").append(fmt(x + 3)).append("\" y=\"").append(labelY)
                    .append("\" font-weight=\"bold\">").append(esc(label)).append("</text></g>\n");
        }
    }

    private void axis(int y) {
        svg.append("<line x1=\"").append(LEFT).append("\" x2=\"").append(WIDTH - RIGHT).append("\" y1=\"").append(y)
                .append("\" y2=\"").append(y).append("\" stroke=\"#333\"/>\n");
        long span = to - from;
        long step = 1000;
        for (long candidate : new long[] {1000, 2000, 5000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000}) {
            step = candidate;
            if (span / candidate <= 15) {
                break;
            }
        }
        for (long t = 0; t <= span; t += step) {
            double x = x(from + t);
            svg.append("<line x1=\"").append(fmt(x)).append("\" x2=\"").append(fmt(x)).append("\" y1=\"").append(y)
                    .append("\" y2=\"").append(y + 5).append("\" stroke=\"#333\"/>");
            svg.append("<text x=\"").append(fmt(x)).append("\" y=\"").append(y + 17)
                    .append("\" text-anchor=\"middle\">+").append(t / 1000).append(" s</text>");
        }
        svg.append('\n');
        text(8, y + 17, Verdict.TIME.format(Instant.ofEpochMilli(from)), "fill=\"#666\"");
    }

    private void legend() {
        int x = LEFT;
        List<String> used = faults.stream().map(FaultEvent::kind).distinct().toList();
        for (String kind : used) {
            svg.append("<rect x=\"").append(x).append("\" y=\"8\" width=\"12\" height=\"12\" rx=\"2\" fill=\"")
                    .append(COLORS.getOrDefault(kind, "#555")).append("\"/>");
            text(x + 16, 18, kind, "");
            x += 24 + kind.length() * 7;
        }
        svg.append("<line x1=\"").append(x).append("\" x2=\"").append(x + 18).append("\" y1=\"14\" y2=\"14\" "
                + "stroke=\"#0b6\" stroke-width=\"2\"/>");
        text(x + 22, 18, "replication lag (staleness)", "");
        x += 190;
        String[][] outcomes = {{"#2ca02c", "acknowledged"}, {"#d62728", "failed"}, {"#ff7f0e", "unknown"}};
        for (String[] o : outcomes) {
            svg.append("<rect x=\"").append(x).append("\" y=\"8\" width=\"12\" height=\"12\" fill=\"").append(o[0])
                    .append("\"/>");
            text(x + 16, 18, o[1], "");
            x += 24 + o[1].length() * 7;
        }
        svg.append('\n');
    }

    private double x(long epochMs) {
        double fraction = (epochMs - from) / (double) (to - from);
        return LEFT + Math.max(0, Math.min(1, fraction)) * (WIDTH - LEFT - RIGHT);
    }

    private void text(double x, double y, String text, String attributes) {
        svg.append("<text x=\"").append(fmt(x)).append("\" y=\"").append(fmt(y)).append("\" ").append(attributes)
                .append('>').append(esc(text)).append("</text>\n");
    }

    private String name(int ordinal) {
        return ordinal < cluster.replicas() ? cluster.pod(ordinal).name() : "pod " + ordinal;
    }

    private String names(List<Integer> ordinals) {
        return ordinals.stream().map(this::name).collect(Collectors.joining(", "));
    }

    private static String seconds(long ms) {
        return String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
    }

    private static String fmt(double value) {
        return String.format(Locale.ROOT, "%.1f", value);
    }

    static String esc(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
