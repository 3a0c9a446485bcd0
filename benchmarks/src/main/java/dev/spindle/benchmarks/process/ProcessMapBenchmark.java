package dev.spindle.benchmarks.process;

import dev.spindle.SerializableFunction;
import dev.spindle.TaskExecutor;
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
 * {@code map} of 1,000,000 tiny items ({@code x -> x + 1} on Integers) through a 2-worker pool; the score is items
 * per second. Peers: the same {@code map} on {@code inline} (in this thread) and on {@code threads} (2 threads).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class ProcessMapBenchmark {

    static final int ITEMS = 1_000_000;

    @Param({"process", "inline", "threads"})
    public String backend;

    private TaskExecutor ex;
    private List<Integer> items;
    private final SerializableFunction<Integer, Integer> inc = x -> x + 1;

    @Setup
    public void setUp() {
        ex = ProcessPools.of(backend, 2);
        items = new ArrayList<>(ITEMS);
        for (int i = 0; i < ITEMS; i++) {
            items.add(i);
        }
    }

    @Benchmark
    @OperationsPerInvocation(ITEMS)
    public List<Integer> map() {
        return ex.map(inc, items);
    }

    @TearDown
    public void tearDown() {
        ex.close();
    }
}
