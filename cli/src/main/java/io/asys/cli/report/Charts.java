package io.asys.cli.report;

import io.asys.cli.bench.EngineRun;

import java.util.List;
import java.util.Locale;
import java.util.function.DoubleFunction;

/** The report's charts as inline SVG: horizontal bars with a min-max whisker, and latency percentile curves. */
final class Charts {
    /** One colour per engine, in the order the engines are listed; fio's engines get the greys. */
    static final String[] PALETTE = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b",
        "#e377c2"};
    static final String[] GREYS = {"#555555", "#999999", "#bbbbbb"};

    private static final int LABEL_WIDTH = 130;
    private static final int PLOT_WIDTH = 560;
    private static final int BAR_HEIGHT = 26;

    /** One bar: its label, value, whisker ends (NaN for none) and colour. */
    record Bar(String label, double value, double low, double high, String color) {
    }

    private Charts() {
    }

    /**
     * Bars on a linear axis from 0; {@code format} writes the value labels, {@code axisFormat}
     * the tick labels, given the axis maximum (so all ticks share one unit).
     */
    static String bars(List<Bar> bars, String axisLabel, DoubleFunction<String> format,
                       java.util.function.DoubleFunction<DoubleFunction<String>> axisFormat) {
        int height = 40 + bars.size() * (BAR_HEIGHT + 10) + 30;
        Svg svg = new Svg(LABEL_WIDTH + PLOT_WIDTH + 110, height);
        double max = bars.stream().mapToDouble(b -> Double.isNaN(b.high()) ? b.value() : Math.max(b.value(), b.high()))
                .max().orElse(1);
        double top = niceCeiling(max);
        DoubleFunction<String> tick = axisFormat.apply(top);
        double x0 = LABEL_WIDTH;
        int plotBottom = 20 + bars.size() * (BAR_HEIGHT + 10);
        for (int i = 0; i <= 5; i++) {
            double x = x0 + PLOT_WIDTH * i / 5.0;
            svg.line(x, 14, x, plotBottom, "#e5e5e5", 1);
            svg.text(x, plotBottom + 16, "middle", 11, "#555", tick.apply(top * i / 5));
        }
        svg.text(x0 + PLOT_WIDTH / 2.0, plotBottom + 34, "middle", 12, "#333", axisLabel);
        for (int i = 0; i < bars.size(); i++) {
            Bar b = bars.get(i);
            double y = 20 + i * (BAR_HEIGHT + 10);
            double w = PLOT_WIDTH * b.value() / top;
            svg.text(x0 - 8, y + BAR_HEIGHT * 0.68, "end", 13, "#222", b.label());
            svg.rect(x0, y, w, BAR_HEIGHT, b.color(), b.label() + ": " + format.apply(b.value()));
            double labelX = x0 + w;
            if (!Double.isNaN(b.low()) && b.high() > b.low()) {
                double lx = x0 + PLOT_WIDTH * b.low() / top;
                double hx = x0 + PLOT_WIDTH * b.high() / top;
                double my = y + BAR_HEIGHT / 2.0;
                svg.line(lx, my, hx, my, "#000", 1.5).line(lx, my - 6, lx, my + 6, "#000", 1.5)
                        .line(hx, my - 6, hx, my + 6, "#000", 1.5);
                labelX = Math.max(labelX, hx);
            }
            svg.text(labelX + 6, y + BAR_HEIGHT * 0.68, "start", 12, "#222", format.apply(b.value()));
        }
        return svg.toString();
    }

    /** Latency (log scale) against the percentile, on a scale of nines: 50, 90, 99, 99.9, 99.99. */
    static String latencyCurves(List<String> names, List<String> colors, List<long[]> latencyNs) {
        int width = LABEL_WIDTH + PLOT_WIDTH + 110;
        int plotTop = 20;
        int plotHeight = 300;
        Svg svg = new Svg(width, plotTop + plotHeight + 60 + 22 * ((names.size() + 2) / 3));
        double lo = Double.MAX_VALUE;
        double hi = 0;
        for (long[] l : latencyNs) {
            for (long v : l) {
                if (v > 0) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
            }
        }
        if (hi == 0) {
            lo = 1000;
            hi = 10_000;
        }
        double decadeLo = Math.floor(Math.log10(lo));
        double decadeHi = Math.max(decadeLo + 1, Math.ceil(Math.log10(hi)));
        double x0 = 70;
        double plotWidth = width - x0 - 30;
        double maxNines = 4;
        DoubleFunction<Double> xOf = p -> x0 + plotWidth * nines(p) / maxNines;
        DoubleFunction<Double> yOf = ns -> plotTop + plotHeight * (decadeHi - Math.log10(Math.max(ns, 1)))
                / (decadeHi - decadeLo);
        for (double d = decadeLo; d <= decadeHi; d++) {
            double y = yOf.apply(Math.pow(10, d));
            svg.line(x0, y, x0 + plotWidth, y, "#e5e5e5", 1);
            svg.text(x0 - 6, y + 4, "end", 11, "#555", duration(Math.pow(10, d)));
        }
        double[] ticks = {0, 50, 90, 99, 99.9, 99.99};
        for (double p : ticks) {
            double x = xOf.apply(p);
            svg.line(x, plotTop, x, plotTop + plotHeight, "#e5e5e5", 1);
            svg.text(x, plotTop + plotHeight + 16, "middle", 11, "#555", percent(p));
        }
        svg.text(x0 + plotWidth / 2, plotTop + plotHeight + 34, "middle", 12, "#333",
                "percentile of operations (scale of nines); latency from submission to completion");
        for (int e = 0; e < names.size(); e++) {
            long[] l = latencyNs.get(e);
            double[] xs = new double[l.length];
            double[] ys = new double[l.length];
            for (int i = 0; i < l.length; i++) {
                xs[i] = xOf.apply(EngineRun.PERCENTILES[i]);
                ys[i] = yOf.apply(l[i]);
            }
            svg.polyline(xs, ys, colors.get(e));
            for (int i = 0; i < l.length; i++) {
                svg.circle(xs[i], ys[i], 3, colors.get(e), names.get(e) + " " + percent(EngineRun.PERCENTILES[i]) + ": "
                        + duration(l[i]));
            }
            double lx = x0 + (e % 3) * plotWidth / 3;
            double ly = plotTop + plotHeight + 56 + 22 * (e / 3);
            svg.rect(lx, ly - 10, 18, 10, colors.get(e), null).text(lx + 24, ly, "start", 12, "#222", names.get(e));
        }
        return svg.toString();
    }

    static String percent(double p) {
        return java.math.BigDecimal.valueOf(p).stripTrailingZeros().toPlainString() + (p == 0 ? "" : "%");
    }

    private static double nines(double percentile) {
        return -Math.log10(1 - percentile / 100);
    }

    static String duration(double ns) {
        if (ns >= 1e9) {
            return trim(ns / 1e9) + " s";
        }
        if (ns >= 1e6) {
            return trim(ns / 1e6) + " ms";
        }
        if (ns >= 1e3) {
            return trim(ns / 1e3) + " µs";
        }
        return trim(ns) + " ns";
    }

    static String trim(double v) {
        String s = String.format(Locale.ROOT, v >= 100 ? "%.0f" : v >= 10 ? "%.1f" : "%.2f", v);
        return s.contains(".") ? s.replaceAll("0+$", "").replaceAll("\\.$", "") : s;
    }

    /** The smallest of 1, 1.5, 2, 2.5, 3, 4, 5, 6, 8 times a power of ten that is at least {@code v}. */
    static double niceCeiling(double v) {
        if (!(v > 0)) {
            return 1;
        }
        double p = Math.pow(10, Math.floor(Math.log10(v)));
        for (double m : new double[] {1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10}) {
            if (m * p >= v) {
                return m * p;
            }
        }
        return 10 * p;
    }
}
