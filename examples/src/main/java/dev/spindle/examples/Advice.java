package dev.spindle.examples;

import java.io.PrintStream;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * "Know the upper bound of improvement before you parallelise": from a workload's task profile (CPU time against
 * wall time) and the serial part of its {@code inline} run, says whether it is I/O-bound or CPU-bound, what Amdahl's
 * law allows, and which backend fits.
 *
 * <p>The bound: a task that keeps a core busy for a share {@code r} of its wall time lets {@code cores / r} such
 * tasks run at once before the cores are saturated; with a pool of {@code P} threads at most {@code P} run at once.
 * With {@code N} the smaller of the two and {@code s} the serial share of the run (before its first task starts and
 * after its last one ends), Amdahl's law caps the speed-up at {@code 1 / (s + (1 - s) / N)}. Submitting tasks one by
 * one is not counted in {@code s}: it overlaps the tasks already running, so counting it would give a "bound" that a
 * real run can beat.
 */
final class Advice {

    private static final double CPU_BOUND = 0.7;
    private static final double IO_BOUND = 0.3;
    private static final double BUSY_MACHINE = 0.9;

    private Advice() {
    }

    /**
     * @param serialFraction the share of the work that cannot run in parallel, from 0 to 1
     * @param n how many tasks can run at once
     * @return the highest speed-up possible
     */
    static double amdahl(double serialFraction, double n) {
        return 1 / (serialFraction + (1 - serialFraction) / n);
    }

    /**
     * @param out where to print
     * @param workload the workload
     * @param profile its tasks' profile
     * @param rows every measurement, to find its inline run and its best speed-up
     * @param cores the processors available
     */
    static void print(PrintStream out, Workload workload, TaskProfile profile, List<Measurement> rows, int cores) {
        String name = workload.name();
        double r = profile.cpuShare();
        String indent = " ".repeat(7);
        out.printf(Locale.ROOT, "  %-4s %d tasks run serially: wall %.1f ms, CPU %s per task -> CPU/wall %s: %s%n",
                name, profile.samples(), profile.wallNanos() / 1e6 / profile.samples(),
                r < 0 ? "n/a" : String.format(Locale.ROOT, "%.1f ms", profile.cpuNanos() / 1e6 / profile.samples()),
                r < 0 ? "n/a" : String.format(Locale.ROOT, "%.2f", r), kind(r));
        if (r < 0) {
            out.println(indent + "(this JVM does not measure thread CPU time: no bound computed)");
            return;
        }
        if (profile.coreShare() < BUSY_MACHINE) {
            out.printf(Locale.ROOT, "%s(other processes are busy: a pure CPU loop got only %.0f %% of a core, so the"
                    + " measured %.2f is divided by %.2f)%n", indent, 100 * profile.coreShare(),
                    profile.measuredCpuShare(), profile.coreShare());
        }
        Optional<Measurement> inline = rows.stream()
                .filter(m -> m.workload().equals(name) && m.backend().equals("inline")).findFirst();
        double s = inline.map(Measurement::serialFraction).orElse(0.0);
        out.printf(Locale.ROOT, "%sserial part s (inline run, before its first task and after its last): %s%n", indent,
                inline.isPresent() ? String.format(Locale.ROOT, "%.3f %%", 100 * s) : "unknown, taken as 0");
        double byCores = cores / Math.max(r, 1e-3);
        int pool = workload.parallelism(cores);
        double n = Math.min(pool, byCores);
        out.printf(Locale.ROOT, "%sAmdahl bound on %d cores: N = cores / (CPU/wall) = %.1f -> <= %.1fx;"
                + " with %d at once: N = %.1f -> <= %.1fx%n",
                indent, cores, byCores, amdahl(s, byCores), pool, n, amdahl(s, n));
        Optional<Measurement> best = rows.stream()
                .filter(m -> m.workload().equals(name) && !m.backend().equals("inline"))
                .max(Comparator.comparingDouble(m -> ResultTable.speedUp(m, rows).orElse(0.0)));
        if (best.isPresent()) {
            double measured = ResultTable.speedUp(best.get(), rows).orElse(Double.NaN);
            out.printf(Locale.ROOT, "%smeasured best: %.2fx on %s (parallelism %d)%s%n", indent, measured,
                    best.get().backend(), best.get().parallelism(),
                    measured > amdahl(s, Math.min(best.get().parallelism(), byCores)) * 1.1
                            ? " - above the bound: other load on the machine or warm-up skewed the profile" : "");
        }
        out.println(indent + "-> " + advice(r, cores, byCores).replace("\n", "\n" + indent + "   "));
    }

    static String kind(double r) {
        if (r < 0) {
            return "unknown";
        }
        return r >= CPU_BOUND ? "CPU-bound" : r <= IO_BOUND ? "I/O-bound (the task mostly waits)" : "mixed";
    }

    private static String advice(double r, int cores, double byCores) {
        if (r >= CPU_BOUND) {
            return "cores are the limit: run about " + cores + " tasks at once (the core count) on forkjoin or\n"
                    + "threads; more threads than cores add nothing. For crash isolation, use process (planned).";
        }
        if (r <= IO_BOUND) {
            return "cores are not the limit, waiting is: overlap the waits with many tasks in flight (threads with\n"
                    + "parallelism well above the core count; virtual, when present, for thousands).";
        }
        return String.format(Locale.ROOT, "both matter: size the pool near cores / (CPU/wall) = %.0f threads on"
                + " threads or forkjoin.", byCores);
    }
}
