package dev.spindle.eventloop;

import dev.spindle.lock.Held;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A bounded semaphore for event-loop code: Python's {@code asyncio.BoundedSemaphore}. {@link #acquire()} never
 * blocks; it returns a stage that completes with a {@link Held} permit, in strict FIFO order. Cancelling that stage
 * (through {@code toCompletableFuture().cancel(...)}) takes the waiter out of the line; a permit is never handed to
 * a cancelled waiter, so none leaks. Releasing more than was acquired is an error.
 *
 * <p>Stages complete on the thread that released the permit. This class is thread-safe; its lock is held only for
 * a few field updates, never while user code runs.
 */
public final class AsyncSemaphore {

    private final String name;
    private final int permits;
    private final ReentrantLock lock = new ReentrantLock();
    private final ArrayDeque<Waiter<Held>> waiters = new ArrayDeque<>(); // guarded by lock
    private int free; // guarded by lock

    /**
     * @param name a name for error messages
     * @param permits how many holders at once; at least 1
     */
    public AsyncSemaphore(String name, int permits) {
        this.name = Objects.requireNonNull(name, "name");
        if (permits < 1) {
            throw new IllegalArgumentException("an async semaphore needs at least 1 permit; got " + permits);
        }
        this.permits = permits;
        this.free = permits;
    }

    /** @return a stage completing with a permit, in FIFO order; cancel it to stop waiting */
    public CompletionStage<Held> acquire() {
        lock.lock();
        try {
            if (free > 0 && waiters.isEmpty()) {
                free--;
                return CompletableFuture.completedFuture(newHold());
            }
            Waiter<Held>[] self = newHolder();
            Waiter<Held> w = new Waiter<>(() -> remove(self[0]));
            self[0] = w;
            waiters.add(w);
            return w;
        } finally {
            lock.unlock();
        }
    }

    @SuppressWarnings("unchecked")
    private static Waiter<Held>[] newHolder() {
        return (Waiter<Held>[]) new Waiter<?>[1];
    }

    private void remove(Waiter<Held> w) {
        lock.lock();
        try {
            waiters.remove(w);
        } finally {
            lock.unlock();
        }
    }

    /** @return a permit if one is free and nobody waits, without waiting */
    public Optional<Held> tryAcquire() {
        lock.lock();
        try {
            if (free > 0 && waiters.isEmpty()) {
                free--;
                return Optional.of(newHold());
            }
            return Optional.empty();
        } finally {
            lock.unlock();
        }
    }

    private Held newHold() {
        AtomicBoolean released = new AtomicBoolean();
        return () -> {
            if (!released.compareAndSet(false, true)) {
                throw new IllegalStateException("this permit of " + this + " was already released");
            }
            release();
        };
    }

    /**
     * Gives a permit back: to the first waiter still waiting, or to the pool.
     *
     * @throws IllegalStateException if every permit is already free
     */
    public void release() {
        Waiter<Held> next = null;
        lock.lock();
        try {
            for (Waiter<Held> w; (w = waiters.poll()) != null; ) {
                if (w.claim()) {
                    next = w;
                    break;
                }
            }
            if (next == null) {
                if (free == permits) {
                    throw new IllegalStateException(this + " released more permits than were acquired: all "
                            + permits + " are already free");
                }
                free++;
            }
        } finally {
            lock.unlock();
        }
        if (next != null) {
            next.deliver(newHold()); // outside the lock: its callbacks may acquire again
        }
    }

    /** @return permits free now */
    public int available() {
        lock.lock();
        try {
            return free;
        } finally {
            lock.unlock();
        }
    }

    /** @return the bound */
    public int permits() {
        return permits;
    }

    /** @return waiters in line now */
    public int waiting() {
        lock.lock();
        try {
            return waiters.size();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        return "async semaphore '" + name + "' (" + permits + " permits)";
    }
}
