package dev.spindle.examples;

/**
 * CPU time against wall time of a few tasks of a workload, run one after the other on one thread.
 *
 * <p>On a busy machine a thread that wants a core does not always get one, so even a pure CPU loop shows a CPU/wall
 * ratio below 1. To tell "this task waits" from "other processes took the core", a short busy loop runs before each
 * profiled task; its own CPU/wall ratio is {@link #coreShare()}, and {@link #cpuShare()} is corrected by it.
 *
 * @param workload the workload's name
 * @param samples how many tasks were run
 * @param cpuNanos their CPU time on the running thread, added up; -1 if unknown
 * @param wallNanos their wall time, added up
 * @param coreShare the share of a core a busy loop got meanwhile, from 0 to 1; -1 if unknown
 */
record TaskProfile(String workload, int samples, long cpuNanos, long wallNanos, double coreShare) {

    private static final long SPIN_NANOS = 3_000_000;

    /**
     * Runs {@code samples} tasks of {@code workload} spread evenly over its range, on the calling thread, twice: the
     * first pass warms up (class loading, the JIT, the HTTP connection) and is not measured.
     *
     * @param workload what to profile
     * @param samples how many tasks, at most {@code workload.units()}
     * @param clock measures the thread's CPU time
     * @return the profile
     * @throws Exception if a task failed
     */
    static TaskProfile of(Workload workload, int samples, CpuClock clock) throws Exception {
        int n = Math.min(samples, workload.units());
        long cpu = 0;
        long wall = 0;
        long spinCpu = 0;
        long spinWall = 0;
        for (int pass = 0; pass < 2; pass++) {
            cpu = 0;
            wall = 0;
            spinCpu = 0;
            spinWall = 0;
            for (int j = 0; j < n; j++) {
                long cpu0 = clock.currentThread();
                long wall0 = System.nanoTime();
                spin(wall0 + SPIN_NANOS);
                long cpu1 = clock.currentThread();
                long wall1 = System.nanoTime();
                workload.runUnit((int) ((long) workload.units() * j / n));
                long wall2 = System.nanoTime();
                long cpu2 = clock.currentThread();
                spinCpu += cpu1 - cpu0;
                spinWall += wall1 - wall0;
                cpu += cpu2 - cpu1;
                wall += wall2 - wall1;
            }
        }
        if (!clock.isSupported()) {
            return new TaskProfile(workload.name(), n, -1, wall, -1);
        }
        return new TaskProfile(workload.name(), n, cpu, wall, Math.clamp((double) spinCpu / spinWall, 0.01, 1.0));
    }

    private static long spin(long untilNanos) {
        long x = 0;
        while (System.nanoTime() < untilNanos) {
            x += x * 31 + 7; // keeps the core busy; the result is returned so the loop is not removed
        }
        return x;
    }

    /** @return CPU time over wall time as measured, from 0 to 1; -1 if unknown */
    double measuredCpuShare() {
        if (cpuNanos < 0 || wallNanos <= 0) {
            return -1;
        }
        return Math.clamp((double) cpuNanos / wallNanos, 0.0, 1.0);
    }

    /**
     * @return CPU time over the wall time the task would take with a core to itself: the measured ratio divided by
     *     {@link #coreShare()}, from 0 to 1; -1 if unknown
     */
    double cpuShare() {
        double measured = measuredCpuShare();
        return measured < 0 ? -1 : Math.min(1.0, measured / coreShare);
    }
}
