package io.asys.cli.bench;

import picocli.CommandLine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The options {@code asys bench} shares with fio, read from a fio job file: {@code rw, bs,
 * iodepth, numjobs, runtime, size, filename, direct}, from {@code [global]} overridden by the
 * first job section. Other fio options (ioengine, time_based, ...) are kept for
 * {@code asys compare}, which passes the job to fio as it is, and otherwise ignored.
 */
public final class FioOptions {
    /** The keys asys bench understands. */
    public static final List<String> SHARED = List.of("rw", "bs", "iodepth", "numjobs", "runtime", "size",
            "filename", "direct");

    private FioOptions() {
    }

    /** A bad option or job file: the message for the user and the exit code. */
    public static final class Problem extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final int exit;

        public Problem(String message, int exit) {
            super(message);
            this.exit = exit;
        }

        public int exit() {
            return exit;
        }
    }

    /** fio's boolean values: 1/0 and true/false. */
    public static final class Flag implements CommandLine.ITypeConverter<Boolean> {
        @Override
        public Boolean convert(String value) {
            return switch (value.trim().toLowerCase()) {
                case "1", "true", "yes", "on" -> true;
                case "0", "false", "no", "off" -> false;
                default -> throw new CommandLine.TypeConversionException("not a flag: '" + value + "' (use 1 or 0)");
            };
        }
    }

    /** The job file's options: [global] then the first job section over it, keys in file order. */
    public static Map<String, String> read(Path job) {
        List<String> lines;
        try {
            lines = Files.readAllLines(job);
        } catch (IOException e) {
            throw new Problem("cannot read the job file " + job + ": " + e, 2);
        }
        Map<String, String> global = new LinkedHashMap<>();
        Map<String, String> first = null;
        Map<String, String> current = null;
        int number = 0;
        for (String raw : lines) {
            number++;
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith(";") || line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("[") && line.endsWith("]")) {
                String name = line.substring(1, line.length() - 1).strip();
                if (name.equals("global")) {
                    current = global;
                } else if (first == null) {
                    first = new LinkedHashMap<>();
                    current = first;
                } else {
                    current = null;  // later jobs: asys runs one job
                }
                continue;
            }
            if (current == null) {
                if (first == null) {
                    throw new Problem(job + " line " + number + ": an option outside any [section]", 2);
                }
                continue;
            }
            int eq = line.indexOf('=');
            current.put(eq < 0 ? line : line.substring(0, eq).strip(), eq < 0 ? "1" : line.substring(eq + 1).strip());
        }
        Map<String, String> merged = new LinkedHashMap<>(global);
        if (first != null) {
            merged.putAll(first);
        }
        return merged;
    }

    /** Sets the shared options of {@code job} on {@code bench} where the command line did not set them. */
    static void apply(Path job, BenchCommand bench, CommandLine.ParseResult given) {
        for (var e : read(job).entrySet()) {
            String v = e.getValue();
            try {
                switch (e.getKey()) {
                    case "rw" -> bench.op = unless(given, "--op", v, bench.op);
                    case "bs" -> bench.bs = unless(given, "--bs", Sizes.parse(v), bench.bs);
                    case "iodepth" -> bench.qd = unless(given, "--qd", Integer.parseInt(v), bench.qd);
                    case "numjobs" -> bench.threads = unless(given, "--threads", Integer.parseInt(v), bench.threads);
                    case "runtime" -> bench.seconds = unless(given, "--seconds", seconds(v), bench.seconds);
                    case "size" -> bench.size = unless(given, "--size", Sizes.parse(v), bench.size);
                    case "filename" -> bench.file = unless(given, "--file", Path.of(v), bench.file);
                    case "direct" -> bench.direct = unless(given, "--direct", new Flag().convert(v), bench.direct);
                    default -> {
                    }
                }
            } catch (RuntimeException ex) {
                throw new Problem(job + ": bad value for " + e.getKey() + "='" + v + "': " + ex.getMessage(), 2);
            }
        }
    }

    private static <T> T unless(CommandLine.ParseResult given, String option, T fromJob, T current) {
        return given.hasMatchedOption(option) ? current : fromJob;
    }

    /** fio's time values: seconds by default, or with a unit (ms, s, m, h). */
    static double seconds(String value) {
        String v = value.strip().toLowerCase();
        if (v.endsWith("ms")) {
            return Double.parseDouble(v.substring(0, v.length() - 2)) / 1000;
        }
        double unit = v.endsWith("h") ? 3600 : v.endsWith("m") ? 60 : 1;
        if (v.endsWith("h") || v.endsWith("m") || v.endsWith("s")) {
            v = v.substring(0, v.length() - 1);
        }
        return Double.parseDouble(v) * unit;
    }
}
