package io.asys.cli.bench;

/** A one-line description of a bench job, for report titles. */
final class JobLine {
    private JobLine() {
    }

    static String of(BenchSpec s) {
        if (s.isNop()) {
            return "nop, batch " + s.batch() + ", " + s.threads() + " thread(s)";
        }
        if (s.isMeta()) {
            return String.format("%s on %,d files, qd %d, %d thread(s)", s.op(), s.files(), s.qd(), s.threads());
        }
        return String.format("%s, bs %s, qd %d%s, %d thread(s), file %s (%s)", s.op(), size(s.bs()), s.qd(),
                s.direct() ? ", O_DIRECT" : ", page cache", s.threads(), s.file(), size(s.size()));
    }

    static String size(long bytes) {
        if (bytes % (1L << 30) == 0) {
            return bytes / (1L << 30) + " GiB";
        }
        if (bytes % (1 << 20) == 0) {
            return bytes / (1 << 20) + " MiB";
        }
        return bytes % 1024 == 0 ? bytes / 1024 + " KiB" : bytes + " B";
    }
}
