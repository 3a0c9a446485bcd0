package dev.spindle;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * How a task spends its time, measured by {@link Spindle#profile(Task, int)}: CPU time against wall time over a few
 * runs on one thread. It answers "should I parallelise this, on what, and how much can I gain?" before any thread
 * is started: a task that mostly waits (I/O-bound) gains from many tasks in flight whatever the core count; a task
 * that keeps its core busy (CPU-bound) gains at most the core count.
 *
 * <p><b>What is measured.</b> The wall time of each run ({@link System#nanoTime()}) and the CPU time of the calling
 * thread during it ({@link java.lang.management.ThreadMXBean#getCurrentThreadCpuTime()}). CPU used on <i>other</i>
 * threads (an executor the task submits to, an HTTP client's selector thread, the GC and JIT) is not counted, so such
 * a task looks more I/O-bound than it is. On a busy machine a thread that wants a core does not always get one; to
 * tell "the task waits" from "other processes took the core", a short busy loop runs before each run, and the share of
 * a core it got ({@link #coreShare()}) corrects the measured ratio ({@link #cpuRatio()}).
 *
 * <p><b>What the bounds mean.</b> Running many independent copies of the task, the cores saturate once
 * {@code cores / cpuRatio} of them run at once; a pool of {@code P} threads runs at most {@code P}. With {@code N} the
 * smaller of those and {@code s} the {@linkplain #serialFraction() serial fraction}, Amdahl's law caps the speed-up
 * over one-at-a-time at {@code 1 / (s + (1 - s) / N)}. A profile of one task cannot see which part of <i>your
 * program</i> is sequential (reading the input, combining the results), so its serial fraction is 0 and its bounds
 * are the resource bounds alone: upper bounds, never predictions. If you measured the serial part of your job, give
 * it with {@link #withSerialFraction(double)} and the bounds tighten.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class TaskProfile {

    /** What limits a task, from its CPU/wall ratio ({@link #cpuRatio()}). */
    public enum Classification {
        /** CPU/wall at most 0.3: the task mostly waits; many tasks in flight help, cores hardly matter. */
        IO_BOUND,
        /** CPU/wall at least 0.7: the task keeps its core busy; the core count is the limit. */
        CPU_BOUND,
        /** In between: both the waits and the cores matter. */
        MIXED
    }

    static final double IO_BOUND_MAX = 0.3;
    static final double CPU_BOUND_MIN = 0.7;
    /** The smallest CPU/wall ratio used in a bound, so that a task with no measurable CPU gets a finite one. */
    static final double MIN_RATIO = 1e-3;

    private final int samples;
    private final long wallNanos;
    private final long cpuNanos;
    private final double coreShare;
    private final int cores;
    private final double serialFraction;

    /**
     * @param samples how many runs were measured; at least 1
     * @param wallNanos their wall time, added up
     * @param cpuNanos the calling thread's CPU time during them, added up
     * @param coreShare the share of a core a busy loop got meanwhile, in (0, 1]
     * @param cores the processors available when measured
     * @param serialFraction the serial fraction, in [0, 1]
     */
    TaskProfile(int samples, long wallNanos, long cpuNanos, double coreShare, int cores, double serialFraction) {
        if (samples < 1 || wallNanos < 0 || cpuNanos < 0 || !(coreShare > 0 && coreShare <= 1) || cores < 1
                || !(serialFraction >= 0 && serialFraction <= 1)) {
            throw new IllegalArgumentException("inconsistent profile: samples=" + samples + ", wallNanos=" + wallNanos
                    + ", cpuNanos=" + cpuNanos + ", coreShare=" + coreShare + ", cores=" + cores + ", serialFraction="
                    + serialFraction);
        }
        this.samples = samples;
        this.wallNanos = wallNanos;
        this.cpuNanos = cpuNanos;
        this.coreShare = coreShare;
        this.cores = cores;
        this.serialFraction = serialFraction;
    }

    /** @return how many runs of the task were measured */
    public int samples() {
        return samples;
    }

    /** @return the mean wall time of one run */
    public Duration meanWall() {
        return Duration.ofNanos(wallNanos / samples);
    }

    /** @return the mean CPU time of one run, on the thread that ran it */
    public Duration meanCpu() {
        return Duration.ofNanos(cpuNanos / samples);
    }

    /** @return CPU time over wall time as measured, from 0 to 1, before the correction for a busy machine */
    public double measuredCpuRatio() {
        return wallNanos == 0 ? 0 : Math.clamp((double) cpuNanos / wallNanos, 0.0, 1.0);
    }

    /**
     * @return the share of a core that a pure busy loop got while the task was profiled, from 0 (exclusive) to 1: 1
     *     on an idle machine, less when other processes compete for the cores
     */
    public double coreShare() {
        return coreShare;
    }

    /**
     * @return CPU time over the wall time the task would take with a core to itself: {@link #measuredCpuRatio()}
     *     divided by {@link #coreShare()}, at most 1. About 0 for a task that waits, about 1 for one that computes.
     */
    public double cpuRatio() {
        return Math.min(1.0, measuredCpuRatio() / coreShare);
    }

    /** @return I/O-bound, CPU-bound or mixed, from {@link #cpuRatio()} */
    public Classification classification() {
        double r = cpuRatio();
        return r >= CPU_BOUND_MIN ? Classification.CPU_BOUND
                : r <= IO_BOUND_MAX ? Classification.IO_BOUND : Classification.MIXED;
    }

    /** @return the processors available to the JVM when the task was profiled */
    public int cores() {
        return cores;
    }

    /**
     * @return the share of the job that cannot run in parallel, used by the bounds: 0 unless set with
     *     {@link #withSerialFraction(double)}
     */
    public double serialFraction() {
        return serialFraction;
    }

    /**
     * @param serialFraction the share of the whole job's one-at-a-time run spent outside the tasks and not
     *     overlapping them (before the first task starts, after the last one ends), from 0 to 1
     * @return a copy whose bounds use it
     * @throws IllegalArgumentException if it is not between 0 and 1
     */
    public TaskProfile withSerialFraction(double serialFraction) {
        if (!(serialFraction >= 0 && serialFraction <= 1)) {
            throw new IllegalArgumentException("serialFraction is " + serialFraction
                    + "; expected a share from 0 to 1, e.g. 0.02 if 2 % of the run cannot be parallelised");
        }
        return new TaskProfile(samples, wallNanos, cpuNanos, coreShare, cores, serialFraction);
    }

    /**
     * How many copies of the task {@code cores} processors can run at once before they are saturated:
     * {@code cores / cpuRatio}. A task with no measurable CPU counts as using 0.1 % of a core, so this is at most
     * {@code 1000 * cores}.
     *
     * @param cores processors; at least 1
     * @return the number of tasks that saturate them
     */
    public double saturatingConcurrency(int cores) {
        requirePositive(cores, "cores", "the number of processors, e.g. Runtime.getRuntime().availableProcessors()");
        return cores / Math.max(cpuRatio(), MIN_RATIO);
    }

    /**
     * The highest speed-up over running the tasks one at a time that {@code cores} processors allow, with as many
     * tasks in flight as wanted: Amdahl's law with {@code N = cores / cpuRatio} and the {@linkplain #serialFraction()
     * serial fraction}. Grows with {@code cores}.
     *
     * @param cores processors; at least 1
     * @return the bound, at least 1
     */
    public double amdahlBound(int cores) {
        return amdahl(saturatingConcurrency(cores));
    }

    /**
     * The highest speed-up over running the tasks one at a time when at most {@code parallelism} run at once on the
     * {@link #cores()} this profile was measured with: Amdahl's law with
     * {@code N = min(parallelism, cores / cpuRatio)}. Grows with {@code parallelism} until the cores saturate, then
     * stays at {@link #amdahlBound(int) amdahlBound(cores())}.
     *
     * @param parallelism the most tasks running at once (a pool's size); at least 1
     * @return the bound, at least 1
     */
    public double speedupBound(int parallelism) {
        requirePositive(parallelism, "parallelism", "the most tasks running at once, e.g. a pool's size");
        return amdahl(Math.min(parallelism, saturatingConcurrency(cores)));
    }

    private double amdahl(double n) {
        return 1 / (serialFraction + (1 - serialFraction) / n);
    }

    private static void requirePositive(int value, String name, String expected) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " is " + value + "; expected at least 1: " + expected);
        }
    }

    /**
     * @return what the numbers support, in a few lines of text: what limits the task, which backends fit, and how
     *     many tasks to run at once on the {@link #cores()} it was measured with
     */
    public String advice() {
        return switch (classification()) {
            case CPU_BOUND -> String.format(Locale.ROOT, "cores are the limit: run about %d tasks at once (the core"
                    + " count) on forkjoin or\nthreads; more threads than cores add nothing (bound %.1fx). For crash"
                    + " isolation, use the process backend (SerializableTasks in child JVMs).", cores, amdahlBound(cores));
            case IO_BOUND -> "cores are not the limit, waiting is: overlap the waits with many tasks in flight"
                    + " (threads with\nparallelism well above the core count; virtual for thousands; eventloop if the"
                    + " waits are non-blocking).";
            case MIXED -> String.format(Locale.ROOT, "both matter: size the pool near cores / (CPU/wall) = %.0f threads"
                    + " on threads or forkjoin.", saturatingConcurrency(cores));
        };
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "TaskProfile[%s, %d samples, wall %.3f ms, CPU %.3f ms per run, CPU/wall"
                + " %.2f (measured %.2f, core share %.2f), %d cores, serial fraction %.3f]", classification(), samples,
                wallNanos / 1e6 / samples, cpuNanos / 1e6 / samples, cpuRatio(), measuredCpuRatio(), coreShare, cores,
                serialFraction);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TaskProfile p && p.samples == samples && p.wallNanos == wallNanos
                && p.cpuNanos == cpuNanos && Double.compare(p.coreShare, coreShare) == 0 && p.cores == cores
                && Double.compare(p.serialFraction, serialFraction) == 0;
    }

    @Override
    public int hashCode() {
        return Objects.hash(samples, wallNanos, cpuNanos, coreShare, cores, serialFraction);
    }
}
