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

/**
 * A non-reentrant mutual-exclusion lock: Python's {@code threading.Lock}, built like the JDK's
 * {@link java.util.concurrent.locks.ReentrantLock} (non-fair, on {@link AbstractQueuedSynchronizer}) but without
 * re-entry.
 *
 * <ul>
 *   <li>Like Python's {@code Lock}, any thread may release it, not only the one that took it. Releasing a mutex
 *       that is not locked fails with {@link IllegalStateException}; two threads releasing one hold at the same
 *       instant are not both caught (the mutex is left unlocked, as it should be).</li>
 *   <li>Unlike Python's {@code Lock}, a thread that asks again for a mutex it already holds does not hang forever:
 *       it gets an {@link IllegalStateException} at once. Use {@link ReentrantMutex} for re-entry.</li>
 *   <li>Waiting honours the current task: a cancelled task stops waiting with
 *       {@link dev.spindle.TaskCancelledException}, a task whose deadline passes with
 *       {@link dev.spindle.DeadlineExceededException}; in both cases the mutex was not taken.</li>
 *   <li>No {@code synchronized}: waiting never pins a virtual thread.</li>
 *   <li>With {@link LockOrder} checking on, an acquisition that contradicts the order seen before fails with
 *       {@link PotentialDeadlockException}.</li>
 * </ul>
 *
 * <pre>{@code
 * try (Held held = mutex.acquire()) {   // with lock:
 *     balance += amount;
 * }
 * }</pre>
 *
 * <p>This class is thread-safe.
 */
public final class Mutex implements OnceHeld.Releasable {

    private static final AtomicLong IDS = new AtomicLong();

    private final String name;
    private final Sync sync = new Sync();
    private final LockWaits.Attempt attempt = new Waiting(sync);

    static {
        LockWaits.preload();
    }

    /** The timed wait, as a class rather than a lambda: see {@link LockWaits.Attempt}. */
    private static final class Waiting implements LockWaits.Attempt {
        private final Sync sync;

        Waiting(Sync sync) {
            this.sync = sync;
        }

        @Override
        public boolean tryFor(long nanos, int ignored) throws InterruptedException {
            if (nanos == Long.MAX_VALUE) {
                sync.acquireInterruptibly(1);
                return true;
            }
            return sync.tryAcquireNanos(1, nanos);
        }
    }

    @Override
    public void releaseHold() {
        unlock();
    }

    private static final class Sync extends AbstractQueuedSynchronizer {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean tryAcquire(int ignored) {
            // read before the CAS: a waiter's retries then do not take the holder's cache line away each time
            if (getState() == 0 && compareAndSetState(0, 1)) {
                setExclusiveOwnerThread(Thread.currentThread());
                return true;
            }
            return false;
        }

        @Override
        protected boolean tryRelease(int ignored) {
            if (getExclusiveOwnerThread() == Thread.currentThread()) {
                // the owner's release, as ReentrantLock's: a plain volatile store, no CAS (the CAS made Mutex 1.2x
                // ReentrantLock). Only another thread's release of this same hold could race it; that is an
                // over-release by the caller, and the state stays consistent (0) even though neither call reports it
                setExclusiveOwnerThread(null);
                setState(0);
                return true;
            }
            if (getState() == 0) {
                return false;
            }
            // another thread's release (Python's Lock allows it)
            setExclusiveOwnerThread(null); // before the CAS: once it succeeds, the next owner may set its own
            // the CAS (a volatile write) publishes the critical section to the next owner, and two racing
            // non-owner releases cannot both succeed
            return compareAndSetState(1, 0);
        }

        @Override
        protected boolean isHeldExclusively() {
            return getExclusiveOwnerThread() == Thread.currentThread();
        }

        Thread owner() {
            return getExclusiveOwnerThread();
        }

        /**
         * The uncontended path, shaped like {@code ReentrantLock}'s: the CAS first, the re-entry check only when it
         * fails (a free mutex cannot be held by the caller).
         *
         * @param mutex for the error message
         * @return whether the mutex was free and is now the caller's
         * @throws IllegalStateException if the caller already holds it
         */
        boolean tryFirst(Mutex mutex) {
            Thread current = Thread.currentThread();
            if (compareAndSetState(0, 1)) {
                setExclusiveOwnerThread(current);
                return true;
            }
            if (getExclusiveOwnerThread() == current) {
                throw mutex.reentry();
            }
            return false;
        }

        boolean locked() {
            return getState() != 0;
        }
    }

    /** A mutex named {@code mutex-<n>}. */
    public Mutex() {
        this("mutex-" + IDS.incrementAndGet());
    }

    /** @param name a name for error messages and lock-order reports */
    public Mutex(String name) {
        this.name = Objects.requireNonNull(name, "name");
    }

    /**
     * Waits for the mutex, as long as it takes (or until the current task is cancelled or reaches its deadline).
     *
     * @return the hold; close it to release
     * @throws IllegalStateException if the current thread already holds it
     */
    public Held acquire() {
        OnceHeld held = new OnceHeld(this); // made before taking: not inside the critical section
        lock(null);
        return held;
    }

    /**
     * @param timeout the longest to wait
     * @return the hold; close it to release
     * @throws TimeoutException if the mutex was not free within {@code timeout}
     */
    public Held acquire(Duration timeout) throws TimeoutException {
        Objects.requireNonNull(timeout, "timeout");
        if (!lock(timeout)) {
            throw new TimeoutException(this + " was not free within " + timeout);
        }
        return new OnceHeld(this);
    }

    /** @return the hold if the mutex was free, without waiting */
    public Optional<Held> tryAcquire() {
        if (LockOrderGraph.enabled()) {
            checkNotHolder();
            LockOrderGraph.beforeAcquire(this);
        }
        if (!sync.tryFirst(this)) {
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
            checkNotHolder(); // before the order check, which would report re-entry as a cycle of one
            LockOrderGraph.beforeAcquire(this);
        }
        if (!sync.tryFirst(this)) {
            if (!LockWaits.acquire(sync, this, timeout, attempt)) {
                return false;
            }
        }
        if (checking) {
            LockOrderGraph.acquired(this);
        }
        return true;
    }

    private void checkNotHolder() {
        if (sync.owner() == Thread.currentThread()) {
            throw reentry();
        }
    }

    private IllegalStateException reentry() {
        return new IllegalStateException(Thread.currentThread().getName() + " already holds " + this
                + ", which is not reentrant: taking it again would wait forever. Release it first, or use a "
                + "ReentrantMutex");
    }

    /**
     * Waits for the mutex and takes it; release it with {@link #unlock()}.
     *
     * @throws IllegalStateException if the current thread already holds it
     */
    public void lock() {
        lock(null);
    }

    /**
     * Releases the mutex; any thread may, as with Python's {@code Lock.release()}.
     *
     * @throws IllegalStateException if it is not locked
     */
    public void unlock() {
        if (!sync.release(1)) {
            throw new IllegalStateException(this + " is not locked: release() without a matching acquire()");
        }
        if (LockOrderGraph.enabled()) {
            LockOrderGraph.released(this);
        }
    }

    /**
     * Runs {@code task} holding the mutex.
     *
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

    /** @return whether some thread holds it; a snapshot */
    public boolean isLocked() {
        return sync.locked();
    }

    /** @return whether the current thread holds it */
    public boolean isHeldByCurrentThread() {
        return sync.owner() == Thread.currentThread();
    }

    /** @return the mutex's name */
    public String name() {
        return name;
    }

    @Override
    public String toString() {
        return "mutex '" + name + "'";
    }
}
