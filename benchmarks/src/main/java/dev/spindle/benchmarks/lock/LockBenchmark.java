package dev.spindle.benchmarks.lock;

import dev.spindle.lock.Held;
import dev.spindle.lock.LockOrder;
import dev.spindle.lock.Mutex;
import dev.spindle.lock.ReentrantMutex;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Acquire + release around a tiny critical section ({@code counter++}) of the JDK's {@link ReentrantLock} and of
 * Spindle's {@link Mutex} and {@link ReentrantMutex}, both through {@code lock()/unlock()} and through
 * {@code try (Held h = m.acquire())}. Issue 6: within 1.10x of {@code ReentrantLock} with lock-order checking off.
 *
 * <p>The thread count is fixed by the concrete subclasses ({@link Locks1Thread}, {@link Locks2Threads},
 * {@link Locks8Threads}); all threads of a run share one lock of each kind ({@code Scope.Benchmark}), so with 2 and
 * 8 threads every acquisition is contended. Average time per operation, in ns, is per thread: with {@code n} threads
 * serialised on one lock it is about {@code n} times the time one hand-over takes.
 *
 * <p>The {@code *LockOrderOn} variants run with {@link LockOrder} checking enabled, to show its cost. Each benchmark
 * runs in its own fork, so enabling it there does not leak into the other variants.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public abstract class LockBenchmark {

    private final ReentrantLock jdk = new ReentrantLock();
    private final Mutex mutex = new Mutex("bench");
    private final ReentrantMutex reentrantMutex = new ReentrantMutex("bench", false);
    private long counter;

    /** Turns lock-order checking on for the {@code *LockOrderOn} variants only. */
    @State(Scope.Benchmark)
    public static class LockOrderOn {
        @Setup(Level.Trial)
        public void on() {
            LockOrder.enable();
        }

        @TearDown(Level.Trial)
        public void off() {
            LockOrder.disable();
            LockOrder.reset();
        }
    }

    @Benchmark
    public long reentrantLock() {
        ReentrantLock l = jdk;
        l.lock();
        try {
            return ++counter;
        } finally {
            l.unlock();
        }
    }

    @Benchmark
    public long mutexLockUnlock() {
        Mutex m = mutex;
        m.lock();
        try {
            return ++counter;
        } finally {
            m.unlock();
        }
    }

    @Benchmark
    public long mutexHeld() {
        try (Held h = mutex.acquire()) {
            return ++counter;
        }
    }

    @Benchmark
    public long reentrantMutexLockUnlock() {
        ReentrantMutex m = reentrantMutex;
        m.lock();
        try {
            return ++counter;
        } finally {
            m.unlock();
        }
    }

    @Benchmark
    public long reentrantMutexHeld() {
        try (Held h = reentrantMutex.acquire()) {
            return ++counter;
        }
    }

    @Benchmark
    public long mutexHeldLockOrderOn(LockOrderOn on) {
        try (Held h = mutex.acquire()) {
            return ++counter;
        }
    }

    @Benchmark
    public long reentrantMutexHeldLockOrderOn(LockOrderOn on) {
        try (Held h = reentrantMutex.acquire()) {
            return ++counter;
        }
    }
}
