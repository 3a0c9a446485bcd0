package dev.spindle.examples;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Prints the showcase's measurements as one table (Markdown, so it can be pasted into docs as it is). */
final class ResultTable {

    private static final String[] HEADER = {"backend", "workload", "parallelism", "wall", "CPU", "CPU/wall",
        "speed-up vs inline"};

    private ResultTable() {
    }

    /**
     * @param out where to print
     * @param rows the measurements, in the order to show them
     */
    static void print(PrintStream out, List<Measurement> rows) {
        List<String[]> cells = new ArrayList<>();
        cells.add(HEADER);
        for (Measurement m : rows) {
            cells.add(new String[] {m.backend(), m.workload(), m.parallelismText(),
                seconds(m.wallNanos()), m.cpuNanos() < 0 ? "n/a" : seconds(m.cpuNanos()),
                m.cpuNanos() < 0 ? "n/a" : String.format(Locale.ROOT, "%.2f", (double) m.cpuNanos() / m.wallNanos()),
                speedUp(m, rows).map(s -> String.format(Locale.ROOT, "%.2fx", s)).orElse("n/a")});
        }
        int[] width = new int[HEADER.length];
        for (String[] row : cells) {
            for (int c = 0; c < row.length; c++) {
                width[c] = Math.max(width[c], row[c].length());
            }
        }
        for (int r = 0; r < cells.size(); r++) {
            StringBuilder line = new StringBuilder("|");
            for (int c = 0; c < width.length; c++) {
                String cell = cells.get(r)[c];
                String pad = " ".repeat(width[c] - cell.length());
                line.append(' ').append(c < 2 ? cell + pad : pad + cell).append(" |"); // text left, numbers right
            }
            out.println(line);
            if (r == 0) {
                StringBuilder rule = new StringBuilder("|");
                for (int c = 0; c < width.length; c++) {
                    rule.append(c < 2 ? "-".repeat(width[c] + 2) : "-".repeat(width[c] + 1) + ":").append('|');
                }
                out.println(rule);
            }
        }
    }

    /**
     * @param m a measurement
     * @param rows all measurements
     * @return the inline run's wall time over {@code m}'s, for the same workload; empty if inline did not run
     */
    static Optional<Double> speedUp(Measurement m, List<Measurement> rows) {
        return rows.stream()
                .filter(r -> r.backend().equals("inline") && r.workload().equals(m.workload()))
                .findFirst()
                .map(inline -> (double) inline.wallNanos() / m.wallNanos());
    }

    static String seconds(long nanos) {
        return String.format(Locale.ROOT, "%.3f s", nanos / 1e9);
    }
}
