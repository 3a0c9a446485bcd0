package dev.spindle.benchmarks.virtual;

import dev.spindle.Spindle;
import dev.spindle.Task;
import dev.spindle.TaskExecutor;
import dev.spindle.TaskGroup;
import dev.spindle.TaskHandle;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Submit+join of no-op tasks on the {@code virtual} backend against the raw JDK
 * {@code Executors.newVirtualThreadPerTaskExecutor()}, both alive in the same trial (the one not measured is idle).
 *
 * <ul>
 *   <li>{@code *RoundTrip}: submit one task from the benchmark thread and wait for it; one task at a time, so this is
 *       the latency of starting a virtual thread and hearing back from it.</li>
 *   <li>{@code *Batch}: submit {@value #BATCH} tasks, then join each handle / {@code get()} each future: throughput
 *       with many virtual threads in flight. Scores are per task.</li>
 *   <li>{@code spindleGroupBatch}: the same batch forked into one {@code TaskGroup} and joined as a group, against
 *       the same {@code rawBatch}.</li>
 *   <li>{@code rawNamedBatch}: {@code rawBatch} on the JDK executor that names its threads as Spindle must
 *       ({@code Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("bench#", 0).factory())}): the JDK doing
 *       the same work as Spindle, thread names included.</li>
 * </ul>
 *
 * <p>Run many forks and compare medians over forks: each JVM settles in a fast or a slow regime of the JDK's
 * scheduler for its whole life (the raw executors too), so one fork's score says little.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 3, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch"})
@Warmup(iterations = 4, time = 2)
@Measurement(iterations = 5, time = 2)
public class VirtualSubmitJoinBenchmark {

    static final int BATCH = 1000;

    private TaskExecutor spindle;
    private ExecutorService raw;
    private ExecutorService rawNamed;
    private final Task<Object> task = () -> null;
    private final Callable<Object> callable = () -> null;
    private final TaskHandle<?>[] handles = new TaskHandle<?>[BATCH];
    private final Future<?>[] futures = new Future<?>[BATCH];

    @Setup
    public void setUp() {
        spindle = Spindle.builder("bench").backend("virtual").build();
        raw = Executors.newVirtualThreadPerTaskExecutor();
        rawNamed = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("bench#", 0).factory());
    }

    @TearDown
    public void tearDown() throws InterruptedException {
        spindle.close();
        for (ExecutorService jdk : new ExecutorService[] {raw, rawNamed}) {
            jdk.shutdown();
            if (!jdk.awaitTermination(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("raw executor did not terminate");
            }
        }
    }

    @Benchmark
    public Object spindleRoundTrip() {
        return spindle.submit(task).join();
    }

    @Benchmark
    public Object rawRoundTrip() throws Exception {
        return raw.submit(callable).get();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public Object spindleBatch() {
        for (int i = 0; i < BATCH; i++) {
            handles[i] = spindle.submit(task);
        }
        Object last = null;
        for (int i = 0; i < BATCH; i++) {
            last = handles[i].join();
        }
        return last;
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public Object spindleGroupBatch() {
        try (TaskGroup group = TaskGroup.open(spindle)) {
            for (int i = 0; i < BATCH; i++) {
                group.fork(task);
            }
            group.join();
            return group;
        }
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public Object rawBatch() throws Exception {
        return batch(raw);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public Object rawNamedBatch() throws Exception {
        return batch(rawNamed);
    }

    private Object batch(ExecutorService jdk) throws Exception {
        for (int i = 0; i < BATCH; i++) {
            futures[i] = jdk.submit(callable);
        }
        Object last = null;
        for (int i = 0; i < BATCH; i++) {
            last = futures[i].get();
        }
        return last;
    }
}
