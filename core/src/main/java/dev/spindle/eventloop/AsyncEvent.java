package dev.spindle.eventloop;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A flag event-loop code waits for: Python's {@code asyncio.Event}. {@link #await()} returns a stage that completes
 * when the flag is set; every waiter present at {@link #set()} is completed even if {@link #clear()} follows at once.
 * Cancelling a waiting stage removes it. This class is thread-safe.
 */
public final class AsyncEvent {

    private final ReentrantLock lock = new ReentrantLock();
    private List<Waiter<Void>> waiters = new ArrayList<>(); // guarded by lock
    private boolean set; // guarded by lock

    /** A cleared event. */
    public AsyncEvent() {
    }

    /** @return a stage that completes when the flag is set (at once if it is) */
    public CompletionStage<Void> await() {
        lock.lock();
        try {
            if (set) {
                return CompletableFuture.completedFuture(null);
            }
            @SuppressWarnings("unchecked")
            Waiter<Void>[] self = (Waiter<Void>[]) new Waiter<?>[1];
            Waiter<Void> w = new Waiter<>(() -> {
                lock.lock();
                try {
                    waiters.remove(self[0]);
                } finally {
                    lock.unlock();
                }
            });
            self[0] = w;
            waiters.add(w);
            return w;
        } finally {
            lock.unlock();
        }
    }

    /** Sets the flag and completes every waiting stage. */
    public void set() {
        List<Waiter<Void>> woken;
        lock.lock();
        try {
            set = true;
            woken = waiters;
            waiters = new ArrayList<>();
        } finally {
            lock.unlock();
        }
        for (Waiter<Void> w : woken) {
            if (w.claim()) {
                w.deliver(null);
            }
        }
    }

    /** Clears the flag. */
    public void clear() {
        lock.lock();
        try {
            set = false;
        } finally {
            lock.unlock();
        }
    }

    /** @return whether the flag is set */
    public boolean isSet() {
        lock.lock();
        try {
            return set;
        } finally {
            lock.unlock();
        }
    }
}
