package dev.spindle.benchmarks.process;

import dev.spindle.SerializableTask;
import dev.spindle.TaskExecutor;
import dev.spindle.TaskHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * No-op tasks submitted and joined through a 2-worker pool: 10,000 submits, then a join of each; the score is
 * tasks per second. Peer: the same on the in-process {@code threads} backend with 2 threads (what isolation costs).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class ProcessThroughputBenchmark {

    static final int TASKS = 10_000;

    @Param({"process", "threads"})
    public String backend;

    private TaskExecutor ex;
    private final SerializableTask<Integer> noop = () -> 1;

    @Setup
    public void setUp() {
        ex = ProcessPools.of(backend, 2);
    }

    @Benchmark
    @OperationsPerInvocation(TASKS)
    public int submitAndJoin() {
        List<TaskHandle<Integer>> hs = new ArrayList<>(TASKS);
        for (int i = 0; i < TASKS; i++) {
            hs.add(ex.submit(noop));
        }
        int sum = 0;
        for (TaskHandle<Integer> h : hs) {
            sum += h.join();
        }
        return sum;
    }

    @TearDown
    public void tearDown() {
        ex.close();
    }
}
