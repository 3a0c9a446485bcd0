package dev.spindle.benchmarks;

import dev.spindle.Task;
import dev.spindle.TaskExecutor;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ForkJoinPool;
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
 * The round trip of one no-op task: submit it from the benchmark thread (outside the pool) and wait for its result.
 *
 * <ul>
 *   <li>{@code spindle}: {@code executor.submit(() -> null).join()}</li>
 *   <li>{@code raw}, threads: {@code Executors.newFixedThreadPool(p).submit(callable).get()}</li>
 *   <li>{@code raw}, forkjoin: {@code new ForkJoinPool(p).submit(callable).join()}</li>
 *   <li>{@code raw}, inline: {@code callable.call()} — the inline backend wraps no executor, so its baseline is a
 *       plain call and the "ratio" is really Spindle's whole per-task bookkeeping.</li>
 * </ul>
 * Both executors of a trial exist at the same time with the same parallelism; the one not being measured is idle.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class SubmitJoinBenchmark {

    @Param({"threads", "forkjoin", "inline"})
    public String backend;

    @Param({"2"})
    public int parallelism;

    private TaskExecutor spindle;
    private ExecutorService raw;
    private ForkJoinPool rawForkJoin;
    private final Task<Object> task = () -> null;
    private final Callable<Object> callable = () -> null;

    @Setup
    public void setUp() {
        spindle = Pools.spindle(backend, parallelism);
        raw = Pools.raw(backend, parallelism);
        rawForkJoin = raw instanceof ForkJoinPool p ? p : null;
    }

    @TearDown
    public void tearDown() throws InterruptedException {
        Pools.close(spindle, raw);
    }

    @Benchmark
    public Object spindle() {
        return spindle.submit(task).join();
    }

    @Benchmark
    public Object raw() throws Exception {
        if (rawForkJoin != null) {
            return rawForkJoin.submit(callable).join();
        }
        if (raw != null) {
            return raw.submit(callable).get();
        }
        return callable.call();
    }
}
