package dev.spindle.lock;

import dev.spindle.Task;
import dev.spindle.internal.lock.LockOrderGraph;
import dev.spindle.internal.lock.LockWaits;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A reentrant mutual-exclusion lock: Python's {@code threading.RLock}, on the JDK's {@link ReentrantLock}. The thread
 * that holds it may take it again; it is free once every acquisition was released, by that same thread.
 *
 * <p>Waiting honours the current task's cancellation and deadline as {@link Mutex} does, never pins a virtual
 * thread, and takes part in {@link LockOrder} checking (re-entry is not an ordering).
 *
 * <p>This class is thread-safe.
 */
public final class ReentrantMutex implements OnceHeld.Releasable {

    private static final AtomicLong IDS = new AtomicLong();

    private final String name;
    private final ReentrantLock lock;
    private final LockWaits.Attempt attempt;

    static {
        LockWaits.preload();
    }

    /** The timed wait, as a class rather than a lambda: see {@link LockWaits.Attempt}. */
    private static final class Waiting implements LockWaits.Attempt {
        private final ReentrantLock lock;

        Waiting(ReentrantLock lock) {
            this.lock = lock;
        }

        @Override
        public boolean tryFor(long nanos, int ignored) throws InterruptedException {
            if (nanos == Long.MAX_VALUE) {
                lock.lockInterruptibly();
                return true;
            }
            return lock.tryLock(nanos, TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public void releaseHold() {
        unlock();
    }

    /** A non-fair reentrant mutex named {@code rmutex-<n>}. */
    public ReentrantMutex() {
        this("rmutex-" + IDS.incrementAndGet(), false);
    }

    /**
     * @param name a name for error messages and lock-order reports
     * @param fair whether waiting threads get it in arrival order (slower under contention)
     */
    public ReentrantMutex(String name, boolean fair) {
        this.name = Objects.requireNonNull(name, "name");
        this.lock = new ReentrantLock(fair);
        this.attempt = new Waiting(lock);
    }

    /** @return the hold; close it to release one level */
    public Held acquire() {
        lock(null);
        return new OnceHeld(this);
    }

    /**
     * @param timeout the longest to wait
     * @return the hold; close it to release one level
     * @throws TimeoutException if another thread held it for all of {@code timeout}
     */
    public Held acquire(Duration timeout) throws TimeoutException {
        Objects.requireNonNull(timeout, "timeout");
        if (!lock(timeout)) {
            throw new TimeoutException(this + " was not free within " + timeout);
        }
        return new OnceHeld(this);
    }

    /** @return the hold if no other thread holds it, without waiting */
    public Optional<Held> tryAcquire() {
        if (LockOrderGraph.enabled()) {
            LockOrderGraph.beforeAcquire(this);
        }
        if (!lock.tryLock()) {
            return Optional.empty();
        }
        if (LockOrderGraph.enabled()) {
            LockOrderGraph.acquired(this);
        }
        return Optional.of(new OnceHeld(this));
    }

    private boolean lock(Duration timeout) {
        boolean checking = LockOrderGraph.enabled();
        if (checking) {
            LockOrderGraph.beforeAcquire(this);
        }
        if (!lock.tryLock()) {
            boolean got = LockWaits.await(toString(), timeout, attempt, 0);
            if (!got) {
                return false;
            }
        }
        if (checking) {
            LockOrderGraph.acquired(this);
        }
        return true;
    }

    /** Waits for the mutex (honouring the current task's cancellation and deadline). */
    public void lock() {
        lock(null);
    }

    /**
     * Releases one level.
     *
     * @throws IllegalMonitorStateException if the current thread does not hold it
     */
    public void unlock() {
        lock.unlock();
        if (LockOrderGraph.enabled()) {
            LockOrderGraph.released(this);
        }
    }

    /**
     * @param task the critical section
     * @param <T> its result type
     * @return what it returned
     * @throws Exception what it threw
     */
    public <T> T withLock(Task<T> task) throws Exception {
        try (Held ignored = acquire()) {
            return task.call();
        }
    }

    /** @return how many times the current thread holds it */
    public int holdCount() {
        return lock.getHoldCount();
    }

    /** @return whether some thread holds it */
    public boolean isLocked() {
        return lock.isLocked();
    }

    /** @return whether the current thread holds it */
    public boolean isHeldByCurrentThread() {
        return lock.isHeldByCurrentThread();
    }

    /** @return the mutex's name */
    public String name() {
        return name;
    }

    @Override
    public String toString() {
        return "reentrant mutex '" + name + "'";
    }
}
