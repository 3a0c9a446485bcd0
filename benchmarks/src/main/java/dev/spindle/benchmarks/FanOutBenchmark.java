package dev.spindle.benchmarks;

import dev.spindle.Task;
import dev.spindle.TaskExecutor;
import dev.spindle.TaskGroup;
import dev.spindle.TaskHandle;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.Future;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * Fan-out and fan-in of {@value #TASKS} no-op tasks from the benchmark thread (outside the pool).
 *
 * <ul>
 *   <li>{@code spindleGroup}: fork all into one {@link TaskGroup}, then {@code g.join()} — the benchmark the target
 *       is judged on.</li>
 *   <li>{@code spindleSubmitAll}: {@code submit} all, keep the handles, {@code join} each: Spindle without the group,
 *       to tell per-task cost from group cost.</li>
 *   <li>{@code raw}, threads: {@code ThreadPoolExecutor.submit} all, then {@code get} each future.</li>
 *   <li>{@code raw}, forkjoin: {@code ForkJoinPool.submit} all (external submissions, each adapted to a
 *       {@code ForkJoinTask}), then {@code join} each. ({@code ForkJoinTask.invokeAll} is not used: from a thread
 *       outside the pool it would fork into the common pool.)</li>
 *   <li>{@code raw}, inline: call the {@code Callable} {@value #TASKS} times.</li>
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class FanOutBenchmark {

    static final int TASKS = 10_000;

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
    public void spindleGroup() {
        try (TaskGroup g = TaskGroup.open(spindle)) {
            for (int i = 0; i < TASKS; i++) {
                g.fork(task);
            }
            g.join();
        }
    }

    @Benchmark
    public void spindleSubmitAll(Blackhole bh) {
        @SuppressWarnings({"unchecked", "rawtypes"})
        TaskHandle<Object>[] handles = new TaskHandle[TASKS];
        for (int i = 0; i < TASKS; i++) {
            handles[i] = spindle.submit(task);
        }
        for (TaskHandle<Object> h : handles) {
            bh.consume(h.join());
        }
    }

    @Benchmark
    public void raw(Blackhole bh) throws Exception {
        if (rawForkJoin != null) {
            @SuppressWarnings({"unchecked", "rawtypes"})
            ForkJoinTask<Object>[] tasks = new ForkJoinTask[TASKS];
            for (int i = 0; i < TASKS; i++) {
                tasks[i] = rawForkJoin.submit(callable);
            }
            for (ForkJoinTask<Object> t : tasks) {
                bh.consume(t.join());
            }
        } else if (raw != null) {
            @SuppressWarnings({"unchecked", "rawtypes"})
            Future<Object>[] futures = new Future[TASKS];
            for (int i = 0; i < TASKS; i++) {
                futures[i] = raw.submit(callable);
            }
            for (Future<Object> f : futures) {
                bh.consume(f.get());
            }
        } else {
            for (int i = 0; i < TASKS; i++) {
                bh.consume(callable.call());
            }
        }
    }
}
