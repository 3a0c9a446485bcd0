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

    /** State 1 = set. Waiters park in shared mode, so {@code releaseShared} wakes them all. */
    private static final class Sync extends AbstractQueuedSynchronizer {
        private static final long serialVersionUID = 1L;

        @Override
        protected int tryAcquireShared(int ignored) {
            return getState() == 1 ? 1 : -1;
        }

        @Override
        protected boolean tryReleaseShared(int ignored) {
            setState(1);
            return true;
        }

        void reset() {
            setState(0);
        }

        boolean isSet() {
            return getState() == 1;
        }
    }

    private final Sync sync = new Sync();

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
            LockWaits.await("an event", null, nanos -> {
                if (nanos == Long.MAX_VALUE) {
                    sync.acquireSharedInterruptibly(1);
                    return true;
                }
                return sync.tryAcquireSharedNanos(1, nanos);
            });
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
        return sync.isSet() || LockWaits.await("an event", timeout, nanos -> sync.tryAcquireSharedNanos(1, nanos));
    }

    @Override
    public String toString() {
        return "Event[" + (isSet() ? "set" : "clear") + "]";
    }
}
