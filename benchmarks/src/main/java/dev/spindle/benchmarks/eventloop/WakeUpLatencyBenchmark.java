package dev.spindle.benchmarks.eventloop;

import java.io.IOException;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
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
 * Wake-up latency: one task submitted to an idle loop, from outside, until the submitter sees it done. Before each
 * operation the benchmark thread parks {@code idleMicros} (not timed), so the loop has gone back to sleep.
 *
 * <ul>
 *   <li>{@code submitJoin}: the library's own round trip: Spindle {@code loop.submit(task).join()}, Netty
 *       {@code loop.submit(callable).get()}</li>
 *   <li>{@code executeSpin}: the bare hand-off: {@code execute(r)} on either loop of a task that sets a
 *       volatile flag, which the submitter spins on; no waiting machinery of either library is involved</li>
 * </ul>
 * {@code spindle} waits in {@code LockSupport.park} (a loop with no channel); {@code spindle-nio} has a channel
 * registered, so it waits in {@code Selector.select()} and is woken by {@code Selector.wakeup()}, as Netty's NIO loop
 * always is. Mode SampleTime: JMH reports p50, p90, p99 and more, in µs.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class WakeUpLatencyBenchmark {

    @Param({"spindle", "spindle-nio", "netty"})
    public String impl;

    @Param({"100"})
    public int idleMicros;

    private Loops loops;
    private Executor bare;
    private volatile boolean flag;
    private final Runnable setFlag = () -> flag = true;
    private final dev.spindle.Task<Object> task = () -> null;
    private final Callable<Object> callable = () -> null;

    @Setup
    public void setUp() {
        loops = switch (impl) {
            case "spindle" -> Loops.ofSpindle(false);
            case "spindle-nio" -> Loops.ofSpindle(true);
            case "netty" -> Loops.ofNetty();
            default -> throw new IllegalArgumentException("unknown impl " + impl);
        };
        bare = loops.spindle() != null ? loops.spindle() : loops.netty();
    }

    @TearDown
    public void tearDown() throws IOException {
        loops.close();
    }

    /** Not timed: lets the loop fall asleep before the next operation. */
    @Setup(Level.Invocation)
    public void idle() {
        LockSupport.parkNanos(idleMicros * 1_000L);
    }

    @Benchmark
    public Object submitJoin() throws InterruptedException, ExecutionException {
        if (loops.spindle() != null) {
            return loops.spindle().submit(task).join();
        }
        return loops.netty().submit(callable).get();
    }

    @Benchmark
    public void executeSpin() {
        flag = false;
        bare.execute(setFlag);
        while (!flag) {
            Thread.onSpinWait();
        }
    }
}
