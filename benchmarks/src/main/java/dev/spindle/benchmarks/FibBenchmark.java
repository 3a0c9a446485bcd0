package dev.spindle.benchmarks;

import dev.spindle.TaskExecutor;
import dev.spindle.TaskGroup;
import dev.spindle.TaskHandle;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RecursiveTask;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Recursive fib(n) on the {@code forkjoin} backend with nested {@link TaskGroup}s, against a hand-written
 * {@link RecursiveTask} on a {@link ForkJoinPool} of the same parallelism. Both switch to the same sequential
 * {@code fib} below {@code cutoff} (fib(n) for n &lt; cutoff is computed by plain recursion), and both are started
 * from the benchmark thread and waited for there.
 *
 * <ul>
 *   <li>{@code spindleForkBoth} / {@code rawForkBoth} — the same structure, the target's pair: fork fib(n-1), fork
 *       fib(n-2), join fib(n-1), join fib(n-2). (A {@link TaskGroup}'s {@code join} waits for its tasks in fork
 *       order, so the raw task joins in the same order.)</li>
 *   <li>{@code spindleForkOne} / {@code rawForkOne} — the idiomatic shape: fork fib(n-1), compute fib(n-2) on the
 *       current thread, join. Half the tasks; for information.</li>
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class FibBenchmark {

    @Param({"30"})
    public int n;

    /** fib(k) for k &lt; cutoff is sequential, in both versions. */
    @Param({"10", "20"})
    public int cutoff;

    @Param({"2"})
    public int parallelism;

    private TaskExecutor spindle;
    private ForkJoinPool pool;

    @Setup
    public void setUp() {
        spindle = Pools.spindle("forkjoin", parallelism);
        pool = new ForkJoinPool(parallelism);
        long expected = sequential(n);
        check("spindleForkBoth", spindleForkBoth(), expected);
        check("spindleForkOne", spindleForkOne(), expected);
        check("rawForkBoth", rawForkBoth(), expected);
        check("rawForkOne", rawForkOne(), expected);
    }

    private static void check(String what, long got, long expected) {
        if (got != expected) {
            throw new IllegalStateException(what + " computed " + got + ", expected " + expected);
        }
    }

    @TearDown
    public void tearDown() throws InterruptedException {
        Pools.close(spindle, pool);
    }

    static long sequential(int k) {
        return k < 2 ? k : sequential(k - 1) + sequential(k - 2);
    }

    // ------------------------------------------------------------------ Spindle

    @Benchmark
    public long spindleForkBoth() {
        return spindle.submit(() -> groupsForkBoth(n)).join();
    }

    @Benchmark
    public long spindleForkOne() {
        return spindle.submit(() -> groupsForkOne(n)).join();
    }

    private long groupsForkBoth(int k) {
        if (k < cutoff) {
            return sequential(k);
        }
        try (TaskGroup g = TaskGroup.open(spindle)) {
            TaskHandle<Long> a = g.fork(() -> groupsForkBoth(k - 1));
            TaskHandle<Long> b = g.fork(() -> groupsForkBoth(k - 2));
            g.join();
            return a.join() + b.join();
        }
    }

    private long groupsForkOne(int k) {
        if (k < cutoff) {
            return sequential(k);
        }
        try (TaskGroup g = TaskGroup.open(spindle)) {
            TaskHandle<Long> a = g.fork(() -> groupsForkOne(k - 1));
            long b = groupsForkOne(k - 2);
            g.join();
            return a.join() + b;
        }
    }

    // ------------------------------------------------------------------ raw ForkJoinPool

    @Benchmark
    public long rawForkBoth() {
        return pool.invoke(new FibForkBoth(n, cutoff));
    }

    @Benchmark
    public long rawForkOne() {
        return pool.invoke(new FibForkOne(n, cutoff));
    }

    static final class FibForkBoth extends RecursiveTask<Long> {
        private static final long serialVersionUID = 1L;
        private final int k;
        private final int cutoff;

        FibForkBoth(int k, int cutoff) {
            this.k = k;
            this.cutoff = cutoff;
        }

        @Override
        protected Long compute() {
            if (k < cutoff) {
                return sequential(k);
            }
            FibForkBoth a = new FibForkBoth(k - 1, cutoff);
            FibForkBoth b = new FibForkBoth(k - 2, cutoff);
            a.fork();
            b.fork();
            return a.join() + b.join();
        }
    }

    static final class FibForkOne extends RecursiveTask<Long> {
        private static final long serialVersionUID = 1L;
        private final int k;
        private final int cutoff;

        FibForkOne(int k, int cutoff) {
            this.k = k;
            this.cutoff = cutoff;
        }

        @Override
        protected Long compute() {
            if (k < cutoff) {
                return sequential(k);
            }
            FibForkOne a = new FibForkOne(k - 1, cutoff);
            a.fork();
            long b = new FibForkOne(k - 2, cutoff).compute();
            return a.join() + b;
        }
    }
}
