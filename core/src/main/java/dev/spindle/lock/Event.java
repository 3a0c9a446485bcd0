package dev.spindle.lock;

import dev.spindle.internal.lock.LockWaits;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.locks.AbstractQueuedSynchronizer;

/**
 * A flag threads wait for: Python's {@code threading.Event}. {@link #set()} wakes every waiter and lets later
 * waiters through until {@link #clear()}. A waiter woken by {@code set} returns even if {@code clear} follows at
 * once: no wake-up is lost.
 *
 * <p>Waiting honours the current task's cancellation and deadline, and never pins a virtual thread. This class is
 * thread-safe.
 */
public final class Event {

    /**
     * State = generation &lt;&lt; 1 | set-bit. Every {@code set()} of a clear event starts a new generation; a waiter
     * passes when the event is set or its generation moved on since it started waiting. So a waiter woken by
     * {@code set()} passes even if {@code clear()} ran before it re-checked: no lost wake-up. Waiters park in shared
     * mode, so one release wakes them all.
     */
    private static final class Sync extends AbstractQueuedSynchronizer {
        private static final long serialVersionUID = 1L;

        @Override
        protected int tryAcquireShared(int generationSeen) {
            int s = getState();
            return (s & 1) == 1 || (s >>> 1) != generationSeen ? 1 : -1;
        }

        @Override
        protected boolean tryReleaseShared(int ignored) {
            for (;;) {
                int s = getState();
                if ((s & 1) == 1) {
                    return true;
                }
                if (compareAndSetState(s, (((s >>> 1) + 1) << 1) | 1)) {
                    return true;
                }
            }
        }

        void reset() {
            for (;;) {
                int s = getState();
                if ((s & 1) == 0 || compareAndSetState(s, s & ~1)) {
                    return;
                }
            }
        }

        boolean isSet() {
            return (getState() & 1) == 1;
        }

        int generation() {
            return getState() >>> 1;
        }
    }

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
        public boolean tryFor(long nanos, int generation) throws InterruptedException {
            if (nanos == Long.MAX_VALUE) {
                sync.acquireSharedInterruptibly(generation);
                return true;
            }
            return sync.tryAcquireSharedNanos(generation, nanos);
        }
    }

    /** A cleared event. */
    public Event() {
    }

    /** Sets the flag and wakes every waiter. */
    public void set() {
        sync.releaseShared(1);
    }

    /** Clears the flag; later waiters wait again. */
    public void clear() {
        sync.reset();
    }

    /** @return whether the flag is set */
    public boolean isSet() {
        return sync.isSet();
    }

    /** Waits until the flag is set (or the current task is cancelled or reaches its deadline). */
    public void await() {
        if (!sync.isSet()) {
            int generation = sync.generation();
            LockWaits.await("an event", null, attempt, generation);
        }
    }

    /**
     * Python's {@code event.wait(timeout)}.
     *
     * @param timeout the longest to wait
     * @return whether the flag was set within {@code timeout}
     */
    public boolean await(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (sync.isSet()) {
            return true;
        }
        int generation = sync.generation();
        return LockWaits.await("an event", timeout, attempt, generation);
    }

    /** @return how many threads wait now; an estimate, for tests and monitoring */
    public int waiting() {
        return sync.getQueueLength();
    }

    @Override
    public String toString() {
        return "Event[" + (isSet() ? "set" : "clear") + "]";
    }
}
