package dev.spindle.benchmarks.eventloop;

import java.io.IOException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Throughput of handing empty tasks to one loop from 1 and from 4 producer threads. One operation is one task; an
 * invocation is a batch: the producer submits {@value #BATCH} tasks, then a marker task, and waits (spin briefly, then
 * park) until the marker ran. Tasks from one producer run in order, so when the marker runs all its tasks have run;
 * each task increments a plain field of its producer's state (loop thread only) and the producer checks the count.
 *
 * <ul>
 *   <li>{@code spindle-execute}: {@code EventLoop.execute(r)}, the {@code Executor} method: a plain step of the loop</li>
 *   <li>{@code spindle-submit}: {@code EventLoop.submit(task)}: a full Spindle task per call (handle, cancellation
 *       tree, statistics); informational</li>
 *   <li>{@code netty-execute}: Netty's {@code IoEventLoop.execute(r)}, a plain step of its loop</li>
 * </ul>
 * Score: tasks per µs, summed over the producer threads; higher is better.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@OperationsPerInvocation(ExecuteThroughputBenchmark.BATCH)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class ExecuteThroughputBenchmark {

    static final int BATCH = 10_000;

    @Param({"spindle-execute", "spindle-submit", "netty-execute"})
    public String impl;

    private Loops loops;
    private Executor target;

    @Setup
    public void setUp() {
        switch (impl) {
            case "spindle-execute" -> {
                loops = Loops.ofSpindle(false);
                target = loops.spindle();
            }
            case "spindle-submit" -> {
                loops = Loops.ofSpindle(false);
                target = Loops.asTasks(loops.spindle());
            }
            case "netty-execute" -> {
                loops = Loops.ofNetty();
                target = loops.netty();
            }
            default -> throw new IllegalArgumentException("unknown impl " + impl);
        }
    }

    @TearDown
    public void tearDown() throws IOException {
        loops.close();
    }

    /** 128 bytes before {@link Count#ran}. */
    @SuppressWarnings("unused")
    abstract static class CountPad {
        long p00, p01, p02, p03, p04, p05, p06, p07, p08, p09, p10, p11, p12, p13, p14, p15;
    }

    /** The count the tasks keep, padded on both sides (by inheritance, as in JCTools). */
    static final class Count extends CountPad {
        long ran; // incremented by the loop thread only; read by the producer after it saw the marker (volatile)
        @SuppressWarnings("unused")
        long q00, q01, q02, q03, q04, q05, q06, q07, q08, q09, q10, q11, q12, q13, q14, q15;
    }

    /**
     * One producer thread's batch: its tasks, its marker, and the count its tasks keep. The count lives on cache
     * lines of its own: were it next to the fields the producer reads while it submits, the loop's increments would
     * make every submission miss the cache, and a loop that keeps up with its producer would be slowed by the
     * benchmark itself (it was: 2-3× on this machine).
     */
    @State(Scope.Thread)
    public static class Producer {
        final Count count = new Count();
        volatile boolean done;
        Thread thread;
        final Runnable task = () -> count.ran++;
        final Runnable marker = () -> {
            done = true;
            LockSupport.unpark(thread);
        };

        @Setup
        public void setUp() {
            thread = Thread.currentThread();
        }

        void batch(Executor target) {
            long before = count.ran; // the loop ran every earlier task before the last marker: no race
            for (int i = 0; i < BATCH; i++) {
                target.execute(task);
            }
            target.execute(marker);
            for (int spins = 0; !done; spins++) {
                if (spins < 100) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.park(this);
                }
            }
            done = false;
            long ran = count.ran - before;
            if (ran != BATCH) {
                throw new IllegalStateException("the loop ran " + ran + " of " + BATCH + " tasks");
            }
        }
    }

    @Benchmark
    @Threads(1)
    public void oneProducer(Producer p) {
        p.batch(target);
    }

    @Benchmark
    @Threads(4)
    public void fourProducers(Producer p) {
        p.batch(target);
    }
}
