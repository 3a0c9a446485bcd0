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
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * CPU-bound work: count the primes below 3,000,000 by trial division, in 16 ranges submitted as 16 tasks. On
 * {@code inline} they run one after the other in this thread; on {@code process} across 2 worker JVMs. The speed-up
 * is the ratio of the two scores.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m", "-XX:+AlwaysPreTouch"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
public class CpuSpeedupBenchmark {

    static final int LIMIT = 3_000_000;
    static final int RANGES = 16;

    @Param({"process", "inline"})
    public String backend;

    private TaskExecutor ex;

    @Setup
    public void setUp() {
        ex = ProcessPools.of(backend, 2);
    }

    /** The primes in {@code [from, to)}. */
    record CountPrimes(int from, int to) implements SerializableTask<Integer> {
        @Override
        public Integer call() {
            int n = 0;
            for (int i = Math.max(2, from); i < to; i++) {
                boolean prime = true;
                for (int d = 2; (long) d * d <= i; d++) {
                    if (i % d == 0) {
                        prime = false;
                        break;
                    }
                }
                if (prime) {
                    n++;
                }
            }
            return n;
        }
    }

    @Benchmark
    public int countPrimes() {
        List<TaskHandle<Integer>> hs = new ArrayList<>(RANGES);
        int step = LIMIT / RANGES;
        for (int i = 0; i < RANGES; i++) {
            hs.add(ex.submit(new CountPrimes(i * step, i == RANGES - 1 ? LIMIT : (i + 1) * step)));
        }
        int total = 0;
        for (TaskHandle<Integer> h : hs) {
            total += h.join();
        }
        if (total != 216_816) {
            throw new IllegalStateException("expected 216,816 primes below 3,000,000, counted " + total);
        }
        return total;
    }

    @TearDown
    public void tearDown() {
        ex.close();
    }
}
