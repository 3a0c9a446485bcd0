package dev.spindle.lock;

import dev.spindle.Task;
import dev.spindle.internal.lock.LockWaits;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.AbstractQueuedSynchronizer;

/**
 * A counting semaphore that refuses to grow: Python's {@code threading.BoundedSemaphore}. Like the JDK's
 * {@link java.util.concurrent.Semaphore}, any thread may release a permit; unlike it, releasing more permits than
 * were taken is an error ({@link IllegalStateException}) instead of a silent increase of the limit.
 *
 * <p>Waiting honours the current task's cancellation and deadline: a task that stops waiting has taken no permit.
 * No {@code synchronized}: it never pins a virtual thread. This class is thread-safe.
 */
public final class BoundedSemaphore implements OnceHeld.Releasable {

    private static final AtomicLong IDS = new AtomicLong();

    private final String name;
    private final int permits;
    private final Sync sync;
    private final LockWaits.Attempt attempt;

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
                sync.acquireSharedInterruptibly(1);
                return true;
            }
            return sync.tryAcquireSharedNanos(1, nanos);
        }
    }

    @Override
    public void releaseHold() {
        release();
    }

    /** State = free permits; every change is a CAS, so the count can neither go negative nor pass the bound. */
    private static final class Sync extends AbstractQueuedSynchronizer {
        private static final long serialVersionUID = 1L;
        private final int max;

        Sync(int max) {
            this.max = max;
            setState(max);
        }

        @Override
        protected int tryAcquireShared(int n) {
            for (;;) {
                int free = getState();
                int left = free - n;
                if (left < 0 || compareAndSetState(free, left)) {
                    return left;
                }
            }
        }

        @Override
        protected boolean tryReleaseShared(int n) {
            for (;;) {
                int free = getState();
                int next = free + n;
                if (next > max) {
                    throw new IllegalStateException("over-release");
                }
                if (compareAndSetState(free, next)) {
                    return true;
                }
            }
        }

        int free() {
            return getState();
        }
    }

    /** @param permits how many holders at once; at least 1 */
    public BoundedSemaphore(int permits) {
        this("semaphore-" + IDS.incrementAndGet(), permits);
    }

    /**
     * @param name a name for error messages
     * @param permits how many holders at once; at least 1
     */
    public BoundedSemaphore(String name, int permits) {
        this.name = Objects.requireNonNull(name, "name");
        if (permits < 1) {
            throw new IllegalArgumentException("a semaphore needs at least 1 permit; got " + permits);
        }
        this.permits = permits;
        this.sync = new Sync(permits);
        this.attempt = new Waiting(sync);
    }

    /** @return a hold on one permit; close it to give the permit back */
    public Held acquire() {
        OnceHeld held = new OnceHeld(this); // made before taking: not inside the critical section
        take(null);
        return held;
    }

    /**
     * @param timeout the longest to wait
     * @return a hold on one permit
     * @throws TimeoutException if no permit was free within {@code timeout}
     */
    public Held acquire(Duration timeout) throws TimeoutException {
        if (!take(Objects.requireNonNull(timeout, "timeout"))) {
            throw new TimeoutException("no permit of " + this + " was free within " + timeout);
        }
        return new OnceHeld(this);
    }

    /** @return a hold on one permit if one was free, without waiting */
    public Optional<Held> tryAcquire() {
        return sync.tryAcquireShared(1) >= 0 ? Optional.of(new OnceHeld(this)) : Optional.empty();
    }

    private boolean take(Duration timeout) {
        if (sync.tryAcquireShared(1) >= 0) {
            return true;
        }
        return LockWaits.await(this, timeout, attempt, 0);
    }

    /**
     * Gives one permit back; any thread may.
     *
     * @throws IllegalStateException if every permit is already free (more releases than acquisitions)
     */
    public void release() {
        try {
            sync.releaseShared(1);
        } catch (IllegalStateException e) {
            throw new IllegalStateException(this + " released more permits than were acquired: all " + permits
                    + " are already free. Each release() must match one acquire()");
        }
    }

    /**
     * @param task what to run holding one permit
     * @param <T> its result type
     * @return what it returned
     * @throws Exception what it threw
     */
    public <T> T withPermit(Task<T> task) throws Exception {
        try (Held ignored = acquire()) {
            return task.call();
        }
    }

    /** @return permits free now; a snapshot */
    public int available() {
        return sync.free();
    }

    /** @return the bound */
    public int permits() {
        return permits;
    }

    @Override
    public String toString() {
        return "semaphore '" + name + "' (" + permits + " permits)";
    }
}
