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
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Loop-local scheduling: {@value #STEPS} chained steps, each scheduling the next from the loop's own thread (no
 * wake-up, no other producer), then the benchmark thread is told (unpark). One operation is the whole chain, so the
 * score in ms/op is also the cost of one step in ns.
 *
 * <ul>
 *   <li>{@code spindle-execute}: each step calls {@code loop.execute(next)}: a plain step</li>
 *   <li>{@code spindle-submit}: each step calls {@code loop.submit(...)}: every step a full Spindle task;
 *       informational</li>
 *   <li>{@code netty-execute}: each step calls Netty's {@code loop.execute(next)}, from inside the loop</li>
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class ChainedStepsBenchmark {

    static final int STEPS = 1_000_000;

    @Param({"spindle-execute", "spindle-submit", "netty-execute"})
    public String impl;

    private Loops loops;
    private Chain chain;

    @Setup
    public void setUp() {
        Executor next = switch (impl) {
            case "spindle-execute" -> {
                loops = Loops.ofSpindle(false);
                yield loops.spindle();
            }
            case "spindle-submit" -> {
                loops = Loops.ofSpindle(false);
                yield Loops.asTasks(loops.spindle());
            }
            case "netty-execute" -> {
                loops = Loops.ofNetty();
                yield loops.netty();
            }
            default -> throw new IllegalArgumentException("unknown impl " + impl);
        };
        chain = new Chain(next);
    }

    @TearDown
    public void tearDown() throws IOException {
        loops.close();
    }

    /** The chain: one step object that schedules itself again until the count runs out. */
    static final class Chain implements Runnable {
        private final Executor next;
        private int left; // loop thread only while the chain runs
        private volatile boolean done;
        private volatile Thread waiter;

        Chain(Executor next) {
            this.next = next;
        }

        @Override
        public void run() {
            if (--left > 0) {
                next.execute(this);
            } else {
                done = true;
                LockSupport.unpark(waiter);
            }
        }

        void runAll() {
            left = STEPS; // published to the loop by the queue hand-off below
            done = false;
            waiter = Thread.currentThread();
            next.execute(this);
            while (!done) {
                LockSupport.park(this);
            }
        }
    }

    @Benchmark
    public void chain() {
        chain.runAll();
    }
}
