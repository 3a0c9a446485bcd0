package dev.spindle;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Objects;

/** Measures a {@link TaskProfile}: the work behind {@link Spindle#profile(Task, int)}. */
final class Profiler {

    /** How long the busy loop before each run spins to measure the share of a core the thread gets. */
    private static final long SPIN_NANOS = 3_000_000;

    private Profiler() {
    }

    static TaskProfile profile(Task<?> task, int samples) {
        Objects.requireNonNull(task, "task");
        if (samples < 1) {
            throw new IllegalArgumentException("samples is " + samples + "; expected at least 1 run to measure"
                    + " (5 to 20 give a stable CPU/wall ratio; the first runs also pay for class loading and the JIT)");
        }
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        if (!threads.isCurrentThreadCpuTimeSupported()) {
            throw new UnsupportedOperationException("this JVM does not measure thread CPU time, so a task cannot be"
                    + " profiled");
        }
        if (!threads.isThreadCpuTimeEnabled()) {
            try {
                threads.setThreadCpuTimeEnabled(true);
            } catch (SecurityException e) {
                throw new UnsupportedOperationException("thread CPU time measurement is disabled and may not be"
                        + " enabled here: " + e.getMessage(), e);
            }
        }
        if (threads.getCurrentThreadCpuTime() < 0) {
            throw new UnsupportedOperationException("the CPU time of " + Thread.currentThread() + " cannot be"
                    + " measured (the JDK does not measure virtual threads); call Spindle.profile from a platform"
                    + " thread");
        }
        long wall = 0;
        long cpu = 0;
        long spinWall = 0;
        long spinCpu = 0;
        for (int i = 0; i < samples; i++) {
            Cancellation.check(); // profiling inside a task stops between runs when that task is cancelled
            long cpu0 = threads.getCurrentThreadCpuTime();
            long wall0 = System.nanoTime();
            spin(wall0 + SPIN_NANOS);
            long cpu1 = threads.getCurrentThreadCpuTime();
            long wall1 = System.nanoTime();
            try {
                task.call();
            } catch (Exception e) {
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                throw new TaskFailedException("run " + (i + 1) + " of " + samples + " of the profiled task failed", e);
            }
            long wall2 = System.nanoTime();
            long cpu2 = threads.getCurrentThreadCpuTime();
            spinWall += wall1 - wall0;
            spinCpu += cpu1 - cpu0;
            wall += wall2 - wall1;
            cpu += cpu2 - cpu1;
        }
        // CPU time is sampled at a coarser grain than nanoTime on some systems, so a ratio may exceed 1 slightly;
        // the floor keeps a thread that got no core at all from dividing by zero.
        double coreShare = Math.clamp((double) spinCpu / Math.max(1, spinWall), 0.01, 1.0);
        return new TaskProfile(samples, wall, Math.max(0, cpu), coreShare, Runtime.getRuntime().availableProcessors(),
                0);
    }

    private static long spin(long untilNanos) {
        long x = 0;
        while (System.nanoTime() < untilNanos) {
            x += x * 31 + 7; // keeps the core busy; returned so that the loop is not removed
        }
        return x;
    }
}
