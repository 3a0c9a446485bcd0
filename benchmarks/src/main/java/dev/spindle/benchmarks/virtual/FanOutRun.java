package dev.spindle.benchmarks.virtual;

import dev.spindle.Spindle;
import dev.spindle.Task;
import dev.spindle.TaskExecutor;
import dev.spindle.TaskGroup;
import dev.spindle.TaskHandle;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.locks.LockSupport;

/**
 * One measurement of {@link SleepingFanOut}, in a JVM of its own: fork {@code tasks} tasks that each sleep, then wait
 * for all of them, on one variant.
 *
 * <ul>
 *   <li>{@code spindle}: a {@code virtual} executor without a limit; every task forked into ONE {@link TaskGroup},
 *       then {@code group.join()}.</li>
 *   <li>{@code spindle-unnamed}: as {@code spindle}, with {@code taskThreadNames=false}: every thread named
 *       {@code fanout}, no string per task.</li>
 *   <li>{@code spindle-submit}: the same executor without a group: {@code executor.submit} for each task, then
 *       {@code join()} on each handle. The difference to {@code spindle} is what the group itself costs.</li>
 *   <li>{@code raw}: {@code Executors.newVirtualThreadPerTaskExecutor()}; every task submitted and its future kept
 *       in a list, then {@code get()} on each.</li>
 *   <li>{@code raw-named}: the same, but the JDK executor names each thread as Spindle does ({@code fanout#<n>},
 *       {@code Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("fanout#", 0).factory())}): what the
 *       thread names cost, apart from everything else.</li>
 * </ul>
 * The clock runs from the first fork/submit until the last task is known to be done; creating and closing the
 * executor is outside it. Before measuring, warm-up rounds of the same shape (smaller, shorter sleeps) let the JIT
 * compile both paths, then a full collection clears their garbage. Prints {@code RESULT key=value ...} and, on Linux, a
 * {@code THREADS ...} line of CPU by kind of thread (see {@link ThreadCpu}).
 */
final class FanOutRun {

    /**
     * The warm-up rounds before the measurement, by how long their tasks sleep. Five rounds: fewer left the tasks'
     * code (TaskRun.run in particular) in C1-compiled form when the clock started, and a virtual thread that parks
     * with C1 frames on its stack keeps a stack chunk twice as big, which made the heap figures depend on JIT timing
     * rather than on the library. The sleeps give both orders of events the measured run has. Rounds of 250 ms sleeps
     * end every task after the last fork, on the JDK's timer thread as the measured 1 s sleeps do (with 10 ms sleeps
     * only, the scheduler's code for that stretch was still being compiled during the measurement: a few hundred ms
     * of compiler time in a one-second run, in every variant). Rounds of 10 ms sleeps end tasks while the forks still
     * go on, as a run of 1,000,000 does (without them, the code of a group's exits was deoptimized and compiled again
     * inside the measured run).
     */
    private static final long[] WARMUP_SLEEP_MILLIS = {250, 10, 250, 10, 250};

    /** How long the last {@link #run} took to fork (submit) every task, in nanoseconds. */
    private static long forked;

    /** The CPU time the forking thread itself used for that, in nanoseconds (the rest of {@link #forked} it waited). */
    private static long forkedCpu;

    private static final java.lang.management.ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private FanOutRun() {
    }

    /**
     * @param args {@code variant tasks sleepMillis warmupTasks}
     * @throws Exception if the run fails
     */
    public static void main(String[] args) throws Exception {
        String variant = args[0];
        int tasks = Integer.parseInt(args[1]);
        long sleepMillis = Long.parseLong(args[2]);
        int warmupTasks = Integer.parseInt(args[3]);

        long nanos;
        long forkNanos;
        long forkCpuNanos;
        long peakUsed;
        long peakAfterGc;
        long gcs;
        long gcMillis;
        long runCpuNanos;
        long jitMillis;
        long baseline;
        String threadCpu;
        String cpuByKind;
        long allocated;
        // The watch starts before the warm-up, and everything the measurement itself calls is called once here too,
        // so that their start-up is over when the clock starts: the first call of a management bean or of a string
        // concatenation spins classes and feeds the compiler, and registering the watch's listeners runs the JDK's
        // shared map code (ConcurrentHashMap.putIfAbsent) along paths the tasks' own profile lacks. Done after the
        // warm-up, that deoptimized the compiled ConcurrentHashMap.putVal, which every Thread.start() calls, just
        // before the clock started (an uncommon trap at its putIfAbsent branch, -Xlog:deoptimization=debug), and the
        // measured run forked its first tasks through slower code until the JIT compiled it again. reset() forgets
        // what the warm-up and the collection below showed the watch.
        String measuring = "MEASURING " + variant;
        ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
        processCpuNanos();
        THREADS.getCurrentThreadCpuTime();
        allocatedBytes();
        for (int i = 0; i < 30; i++) { // so that its code is mostly compiled before the clock starts, not during the run
            ThreadCpu.snapshot().since(ThreadCpu.snapshot());
        }
        ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        try (HeapWatch watch = new HeapWatch()) {
            for (long warmupSleep : WARMUP_SLEEP_MILLIS) {
                if (warmupTasks > 0) {
                    run(variant, warmupTasks, Math.min(sleepMillis, warmupSleep));
                }
            }
            pause(1000); // let the compiler queue drain: the tasks' code should run as C2 code when the clock starts
            System.gc();
            pause(200);
            watch.reset();
            System.err.println(measuring);
            baseline = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            // the snapshots of every thread's CPU bracket the others, so that their own cost is outside the others
            ThreadCpu threadsBefore = ThreadCpu.snapshot();
            long jitBefore = ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
            long cpuBefore = processCpuNanos();
            long allocatedBefore = allocatedBytes();
            nanos = run(variant, tasks, sleepMillis);
            allocated = allocatedBytes() - allocatedBefore;
            runCpuNanos = processCpuNanos() - cpuBefore;
            jitMillis = ManagementFactory.getCompilationMXBean().getTotalCompilationTime() - jitBefore;
            ThreadCpu threadsAfter = ThreadCpu.snapshot();
            threadCpu = threadsAfter.since(threadsBefore);
            cpuByKind = String.format(Locale.ROOT, " mainCpuMillis=%.0f carrierCpuMillis=%.0f gcCpuMillis=%.0f"
                    + " jitCpuMillis=%.0f", threadsAfter.cpuMillis(threadsBefore, "java"),
                    threadsAfter.cpuMillis(threadsBefore, "ForkJoinPool-#-"),
                    threadsAfter.cpuMillis(threadsBefore, "GC Thread") + threadsAfter.cpuMillis(threadsBefore, "G# "),
                    threadsAfter.cpuMillis(threadsBefore, "C# CompilerThre"));
            forkNanos = forked;
            forkCpuNanos = forkedCpu;
            pause(300); // GC notifications arrive asynchronously
            peakUsed = watch.peakUsed();
            peakAfterGc = watch.peakAfterGc();
            gcs = watch.collections();
            gcMillis = watch.gcMillis();
        }
        System.out.printf(Locale.ROOT, "RESULT variant=%s tasks=%d wallMillis=%.1f forkMillis=%.1f forkCpuMillis=%.1f "
                + "runCpuMillis=%.0f peakUsedMiB=%.1f peakAfterGcMiB=%.1f baselineMiB=%.1f gcs=%d gcMillis=%d "
                + "jitMillis=%d jvmCpuMillis=%.0f allocatedMiB=%.1f%s%n",
                variant, tasks, nanos / 1e6, forkNanos / 1e6, forkCpuNanos / 1e6, runCpuNanos / 1e6, mib(peakUsed),
                mib(peakAfterGc), mib(baseline), gcs, gcMillis, jitMillis, processCpuNanos() / 1e6, mib(allocated),
                cpuByKind);
        if (!threadCpu.isEmpty()) {
            System.out.println(threadCpu); // where the measured run's CPU went, by kind of thread
        }
    }

    /**
     * @return bytes allocated on the heap so far by all threads, ended ones included (a virtual thread's allocations
     *     count on the carriers that ran it); an approximation, as {@code getTotalThreadAllocatedBytes} says
     */
    private static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) THREADS).getTotalThreadAllocatedBytes();
    }

    /** @return CPU time used by this JVM so far, all its threads (GC and JIT included) */
    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /**
     * Waits on this platform thread without {@code Thread.sleep}: the measured tasks call {@code Thread.sleep} on
     * virtual threads, and a platform thread calling it too would make the JIT's profile of it bimorphic and
     * deoptimize the tasks' compiled code in the middle of the run.
     */
    static void pause(long millis) {
        LockSupport.parkNanos(millis * 1_000_000);
    }

    /** Records how long the forks took since {@code start}, in wall time and in the forking thread's CPU time. */
    private static void forkedSince(long start, long startCpu) {
        forked = System.nanoTime() - start;
        forkedCpu = THREADS.getCurrentThreadCpuTime() - startCpu;
    }

    private static double mib(long bytes) {
        return bytes / (1024.0 * 1024.0);
    }

    static long run(String variant, int tasks, long sleepMillis) throws Exception {
        return switch (variant) {
            case "spindle" -> spindle(tasks, sleepMillis, true);
            case "spindle-unnamed" -> spindle(tasks, sleepMillis, false);
            case "spindle-submit" -> spindleSubmit(tasks, sleepMillis);
            case "raw" -> raw(Executors.newVirtualThreadPerTaskExecutor(), tasks, sleepMillis);
            case "raw-named" -> raw(Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("fanout#", 0).factory()),
                    tasks, sleepMillis);
            default -> throw new IllegalArgumentException("variant is '" + variant
                    + "'; expected spindle, spindle-unnamed, spindle-submit, raw or raw-named");
        };
    }

    private static long spindle(int tasks, long sleepMillis, boolean taskThreadNames) {
        Task<Object> sleep = () -> {
            Thread.sleep(sleepMillis);
            return null;
        };
        try (TaskExecutor executor = Spindle.builder("fanout").backend("virtual")
                .set("taskThreadNames", Boolean.toString(taskThreadNames)).build()) {
            long start = System.nanoTime();
            long startCpu = THREADS.getCurrentThreadCpuTime();
            try (TaskGroup group = TaskGroup.open(executor)) {
                for (int i = 0; i < tasks; i++) {
                    group.fork(sleep);
                }
                forkedSince(start, startCpu);
                group.join();
            }
            return System.nanoTime() - start;
        }
    }

    private static long spindleSubmit(int tasks, long sleepMillis) {
        Task<Object> sleep = () -> {
            Thread.sleep(sleepMillis);
            return null;
        };
        try (TaskExecutor executor = Spindle.builder("fanout").backend("virtual").build()) {
            long start = System.nanoTime();
            long startCpu = THREADS.getCurrentThreadCpuTime();
            List<TaskHandle<Object>> handles = new ArrayList<>(tasks);
            for (int i = 0; i < tasks; i++) {
                handles.add(executor.submit(sleep));
            }
            forkedSince(start, startCpu);
            for (TaskHandle<Object> h : handles) {
                h.join();
            }
            return System.nanoTime() - start;
        }
    }

    private static long raw(ExecutorService jdkExecutor, int tasks, long sleepMillis) throws Exception {
        Callable<Object> sleep = () -> {
            Thread.sleep(sleepMillis);
            return null;
        };
        try (ExecutorService executor = jdkExecutor) {
            long start = System.nanoTime();
            long startCpu = THREADS.getCurrentThreadCpuTime();
            List<Future<Object>> futures = new ArrayList<>(tasks);
            for (int i = 0; i < tasks; i++) {
                futures.add(executor.submit(sleep));
            }
            forkedSince(start, startCpu);
            for (Future<Object> f : futures) {
                f.get();
            }
            return System.nanoTime() - start;
        }
    }
}
