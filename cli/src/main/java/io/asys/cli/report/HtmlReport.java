package io.asys.cli.report;

import io.asys.cli.bench.EngineRun;
import io.asys.cli.bench.EngineRuns;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A self-contained HTML page of one bench or comparison: a table, and inline SVG charts of
 * throughput per engine (median, min-max whisker), latency percentile curves and CPU per
 * operation. No script, no fonts, nothing fetched when it is viewed.
 */
public final class HtmlReport {
    private HtmlReport() {
    }

    public static void write(Path out, String title, String job, List<EngineRuns> engines) throws IOException {
        Path parent = out.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(out, html(title, job, engines));
    }

    static String html(String title, String job, List<EngineRuns> engines) {
        List<String> colors = colors(engines);
        EngineRuns reference = engines.stream().filter(e -> e.engine().startsWith("fio")).findFirst().orElse(null);
        int rounds = engines.stream().mapToInt(e -> e.rounds().size()).max().orElse(0);
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>")
                .append(Svg.escape(title)).append("</title>\n<style>\n")
                .append("body{font-family:'DejaVu Sans',Helvetica,Arial,sans-serif;margin:24px 32px;color:#222;"
                        + "max-width:900px}\nh1{font-size:22px;margin-bottom:4px}h2{font-size:16px;margin:28px 0 6px}\n"
                        + ".job{color:#555;margin:0 0 16px}table{border-collapse:collapse;font-size:13px}\n"
                        + "th,td{padding:4px 10px;border-bottom:1px solid #ddd;text-align:right}"
                        + "th:first-child,td:first-child{text-align:left}\n"
                        + ".sw{display:inline-block;width:10px;height:10px;margin-right:6px}"
                        + ".note{color:#666;font-size:12px}\n</style></head><body>\n");
        h.append("<h1>").append(Svg.escape(title)).append("</h1>\n<p class=\"job\">").append(Svg.escape(job))
                .append("<br>").append(rounds).append(rounds == 1 ? " round" : " rounds, engines alternating")
                .append("; ").append(Svg.escape(machine())).append("</p>\n");
        table(h, engines, colors, reference);
        h.append("<h2>Throughput (operations per second; bar: median, whisker: min to max)</h2>\n");
        List<Charts.Bar> iops = new ArrayList<>();
        List<Charts.Bar> cpu = new ArrayList<>();
        for (int i = 0; i < engines.size(); i++) {
            EngineRuns e = engines.get(i);
            iops.add(new Charts.Bar(e.engine(), e.medianIops(), e.minIops(), e.maxIops(), colors.get(i)));
            cpu.add(new Charts.Bar(e.engine(), e.medianCpuUsPerOp(), Double.NaN, Double.NaN, colors.get(i)));
        }
        h.append(Charts.bars(iops, "operations per second", HtmlReport::count, HtmlReport::countAxis)).append('\n');
        h.append("<h2>Latency percentiles (median round)</h2>\n");
        h.append(Charts.latencyCurves(engines.stream().map(EngineRuns::engine).toList(), colors,
                engines.stream().map(e -> e.median().latencyNs()).toList())).append('\n');
        h.append("<h2>CPU per operation (µs of user + system time)</h2>\n");
        h.append(Charts.bars(cpu, "µs of CPU per operation", Charts::trim, top -> Charts::trim)).append('\n');
        h.append("<p class=\"note\">CPU: for asys and the JDK, the whole JVM process (engine threads included); "
                + "for fio, fio's own usr + sys figures. *: of the median round. Made by asys at ")
                .append(Instant.now().truncatedTo(ChronoUnit.SECONDS)).append(".</p>\n</body></html>\n");
        return h.toString();
    }

    private static void table(StringBuilder h, List<EngineRuns> engines, List<String> colors, EngineRuns reference) {
        h.append("<table><tr><th>engine</th><th>IOPS (median)</th><th>spread (±)</th><th>MiB/s*</th>"
                + "<th>CPU µs/op</th><th>p50*</th><th>p99*</th><th>p99.9*</th>")
                .append(reference == null ? "" : "<th>vs " + Svg.escape(reference.engine()) + "</th>").append("</tr>\n");
        for (int i = 0; i < engines.size(); i++) {
            EngineRuns e = engines.get(i);
            EngineRun m = e.median();
            h.append("<tr><td><span class=\"sw\" style=\"background:").append(colors.get(i)).append("\"></span>")
                    .append(Svg.escape(e.engine())).append("</td><td>").append(count(e.medianIops()))
                    .append("</td><td>").append(e.rounds().size() < 2 ? "–" : String.format(Locale.ROOT, "%.1f %%", 100 * e.spread()))
                    .append("</td><td>").append(String.format(Locale.ROOT, "%.1f", m.mibS()))
                    .append("</td><td>").append(Charts.trim(e.medianCpuUsPerOp()))
                    .append("</td><td>").append(Charts.duration(m.latencyAt(50)))
                    .append("</td><td>").append(Charts.duration(m.latencyAt(99)))
                    .append("</td><td>").append(Charts.duration(m.latencyAt(99.9))).append("</td>");
            if (reference != null) {
                h.append("<td>").append(String.format(Locale.ROOT, "%.2f", e.medianIops() / reference.medianIops()))
                        .append("</td>");
            }
            h.append("</tr>\n");
        }
        h.append("</table>\n");
    }

    private static List<String> colors(List<EngineRuns> engines) {
        List<String> colors = new ArrayList<>();
        int grey = 0;
        int color = 0;
        for (EngineRuns e : engines) {
            colors.add(e.engine().startsWith("fio") ? Charts.GREYS[grey++ % Charts.GREYS.length]
                    : Charts.PALETTE[color++ % Charts.PALETTE.length]);
        }
        return colors;
    }

    static String count(double v) {
        if (v >= 1e6) {
            return Charts.trim(v / 1e6) + " M";
        }
        if (v >= 1e4) {
            return Charts.trim(v / 1e3) + " k";
        }
        return String.format(Locale.ROOT, "%,.0f", v);
    }

    /** Tick labels in one unit for the whole axis: plain, k or M. */
    static java.util.function.DoubleFunction<String> countAxis(double top) {
        if (top >= 2e6) {
            return v -> v == 0 ? "0" : Charts.trim(v / 1e6) + " M";
        }
        if (top >= 2e4) {
            return v -> v == 0 ? "0" : Charts.trim(v / 1e3) + " k";
        }
        return v -> String.format(Locale.ROOT, "%,.0f", v);
    }

    private static String machine() {
        String kernel = System.getProperty("os.name") + " " + System.getProperty("os.version");
        return Runtime.getRuntime().availableProcessors() + " CPUs, " + kernel + ", Java "
                + System.getProperty("java.version");
    }
}
