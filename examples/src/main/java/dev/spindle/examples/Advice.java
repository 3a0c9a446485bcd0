package dev.spindle.examples;

import dev.spindle.TaskProfile;
import java.io.PrintStream;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * "Know the upper bound of improvement before you parallelise": prints what a workload's {@link TaskProfile} (from
 * {@link dev.spindle.Spindle#profile}) says, with the serial part of its {@code inline} run as the serial fraction,
 * next to the speed-up the backends actually reached.
 *
 * <p>The serial part of a run is its time before its first task starts and after its last one ends: no number of
 * threads shortens it. Submitting tasks one by one is not counted in it: it overlaps the tasks already running, so
 * counting it would give a "bound" that a real run can beat.
 */
final class Advice {

    private static final double BUSY_MACHINE = 0.9;

    private Advice() {
    }

    /**
     * @param out where to print
     * @param workload the workload
     * @param profile its tasks' profile; {@code null} if this JVM cannot measure thread CPU time
     * @param rows every measurement, to find its inline run and its best speed-up
     * @param cores the processors available
     */
    static void print(PrintStream out, Workload workload, TaskProfile profile, List<Measurement> rows, int cores) {
        String name = workload.name();
        String indent = " ".repeat(7);
        if (profile == null) {
            out.printf(Locale.ROOT, "  %-4s CPU/wall n/a: unknown%n", name);
            out.println(indent + "(this JVM does not measure thread CPU time: no bound computed)");
            return;
        }
        out.printf(Locale.ROOT, "  %-4s %d tasks run serially: wall %.1f ms, CPU %.1f ms per task -> CPU/wall %.2f:"
                + " %s%n", name, profile.samples(), profile.meanWall().toNanos() / 1e6,
                profile.meanCpu().toNanos() / 1e6, profile.cpuRatio(), kind(profile.classification()));
        if (profile.coreShare() < BUSY_MACHINE) {
            out.printf(Locale.ROOT, "%s(other processes are busy: a pure CPU loop got only %.0f %% of a core, so the"
                    + " measured %.2f is divided by %.2f)%n", indent, 100 * profile.coreShare(),
                    profile.measuredCpuRatio(), profile.coreShare());
        }
        Optional<Measurement> inline = rows.stream()
                .filter(m -> m.workload().equals(name) && m.backend().equals("inline")).findFirst();
        TaskProfile bounded = profile.withSerialFraction(inline.map(Measurement::serialFraction).orElse(0.0));
        out.printf(Locale.ROOT, "%sserial part s (inline run, before its first task and after its last): %s%n", indent,
                inline.isPresent() ? String.format(Locale.ROOT, "%.3f %%", 100 * bounded.serialFraction())
                        : "unknown, taken as 0");
        double byCores = bounded.saturatingConcurrency(cores);
        int pool = workload.parallelism(cores);
        out.printf(Locale.ROOT, "%sAmdahl bound on %d cores: N = cores / (CPU/wall) = %.1f -> <= %.1fx;"
                + " with %d at once: N = %.1f -> <= %.1fx%n", indent, cores, byCores, bounded.amdahlBound(cores), pool,
                Math.min(pool, byCores), bounded.speedupBound(pool));
        Optional<Measurement> best = rows.stream()
                .filter(m -> m.workload().equals(name) && !m.backend().equals("inline"))
                .max(Comparator.comparingDouble(m -> ResultTable.speedUp(m, rows).orElse(0.0)));
        if (best.isPresent()) {
            double measured = ResultTable.speedUp(best.get(), rows).orElse(Double.NaN);
            out.printf(Locale.ROOT, "%smeasured best: %.2fx on %s (parallelism %s)%s%n", indent, measured,
                    best.get().backend(), best.get().parallelismText(),
                    measured > bounded.speedupBound(Math.max(1, best.get().parallelism())) * 1.1
                            ? " - above the bound: other load on the machine or warm-up skewed the profile" : "");
        }
        out.println(indent + "-> " + bounded.advice().replace("\n", "\n" + indent + "   "));
    }

    static String kind(TaskProfile.Classification c) {
        return switch (c) {
            case CPU_BOUND -> "CPU-bound";
            case IO_BOUND -> "I/O-bound (the task mostly waits)";
            case MIXED -> "mixed";
        };
    }
}
