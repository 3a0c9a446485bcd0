package dev.spindle.lock;

import dev.spindle.Task;
import dev.spindle.internal.lock.LockOrderGraph;
import dev.spindle.internal.lock.LockWaits;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.AbstractQueuedSynchronizer;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A reentrant mutual-exclusion lock: Python's {@code threading.RLock}, built as the JDK's {@link ReentrantLock} is (on
 * {@link AbstractQueuedSynchronizer}, non-fair unless asked, the same state and hold count). The thread that holds
 * it may take it again; it is free once every acquisition was released, by that same thread. Releasing it from
 * another thread fails with {@link IllegalMonitorStateException}, as {@code RLock.release()} raises.
 *
 * <p>Waiting honours the current task's cancellation and deadline as {@link Mutex} does, never pins a virtual
 * thread, and takes part in {@link LockOrder} checking (re-entry is not an ordering).
 *
 * <p>This class is thread-safe.
 */
public final class ReentrantMutex implements OnceHeld.Releasable {

    private static final AtomicLong IDS = new AtomicLong();

    private final String name;
    private final Sync lock;
    private final LockWaits.Attempt attempt;

    static {
        LockWaits.preload();
    }

    /**
     * The lock itself: {@code ReentrantLock}'s algorithm, with its own uncontended entry point ({@link #tryFirst}) so
     * that Spindle's acquisition takes one CAS before it decides to wait, as {@code ReentrantLock.lock()} does.
     */
    private static final class Sync extends AbstractQueuedSynchronizer {
        private static final long serialVersionUID = 1L;
        private final boolean fair;

        Sync(boolean fair) {
            this.fair = fair;
        }

        /** @return whether the caller now holds it (taken, or re-entered); never waits */
        boolean tryFirst() {
            Thread current = Thread.currentThread();
            if (fair ? getState() == 0 && !hasQueuedPredecessors() && compareAndSetState(0, 1)
                    : compareAndSetState(0, 1)) { // the first non-fair attempt is unguarded, as ReentrantLock's
                setExclusiveOwnerThread(current);
                return true;
            }
            if (getExclusiveOwnerThread() == current) {
                int c = getState();
                if (c == Integer.MAX_VALUE) {
                    throw new IllegalStateException("a reentrant mutex was entered " + c
                            + " times by one thread without a release; release it as often as it is taken");
                }
                setState(c + 1); // only the owner writes the state while it holds it
                return true;
            }
            return false;
        }

        /**
         * The queue's attempt, made only by a thread that does not hold the mutex ({@link #tryFirst} handled re-entry
         * before it waited): as {@code ReentrantLock}'s, a read of the state and one CAS, no owner check.
         */
        @Override
        protected boolean tryAcquire(int ignored) {
            if (getState() == 0 && (!fair || !hasQueuedPredecessors()) && compareAndSetState(0, 1)) {
                setExclusiveOwnerThread(Thread.currentThread());
                return true;
            }
            return false;
        }

        @Override
        protected boolean tryRelease(int ignored) {
            if (getExclusiveOwnerThread() != Thread.currentThread()) {
                throw new IllegalMonitorStateException(Thread.currentThread().getName()
                        + " does not hold this reentrant mutex: only the thread that took it may release it");
            }
            int c = getState() - 1;
            boolean free = c == 0;
            if (free) {
                setExclusiveOwnerThread(null);
            }
            setState(c);
            return free;
        }

        @Override
        protected boolean isHeldExclusively() {
            return getExclusiveOwnerThread() == Thread.currentThread();
        }

        int holds() {
            return isHeldExclusively() ? getState() : 0;
        }

        boolean locked() {
            return getState() != 0;
        }
    }

    /** The timed wait, as a class rather than a lambda: see {@link LockWaits.Attempt}. */
    private static final class Waiting implements LockWaits.Attempt {
        private final Sync lock;

        Waiting(Sync lock) {
            this.lock = lock;
        }

        @Override
        public boolean tryFor(long nanos, int ignored) throws InterruptedException {
            if (nanos == Long.MAX_VALUE) {
                lock.acquireInterruptibly(1);
                return true;
            }
            return lock.tryAcquireNanos(1, nanos);
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
        this.lock = new Sync(fair);
        this.attempt = new Waiting(lock);
    }

    /** @return the hold; close it to release one level */
    public Held acquire() {
        OnceHeld held = new OnceHeld(this); // made before taking: not inside the critical section
        lock(null);
        return held;
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
        if (!lock.tryFirst()) {
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
        if (!lock.tryFirst()) {
            if (!LockWaits.acquire(lock, this, timeout, attempt)) {
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
        lock.release(1);
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
        return lock.holds();
    }

    /** @return whether some thread holds it */
    public boolean isLocked() {
        return lock.locked();
    }

    /** @return whether the current thread holds it */
    public boolean isHeldByCurrentThread() {
        return lock.isHeldExclusively();
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
