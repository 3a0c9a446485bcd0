package dev.spindle.eventloop;

import java.util.ArrayDeque;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A bounded FIFO queue for event-loop code: Python's {@code asyncio.Queue(maxsize)}. {@link #put} waits (without
 * blocking) while the queue is full: that is the back-pressure. {@link #take} waits while it is empty. Waiting
 * putters and takers are served in FIFO order; cancelling a waiting stage removes it, and an item is never lost or
 * duplicated: a cancelled putter's item never enters, a cancelled taker never receives one.
 *
 * <p>Stages complete on the thread whose call made them ready. This class is thread-safe.
 *
 * @param <E> the item type
 */
public final class AsyncQueue<E> {

    private static final class Putter<E> extends Waiter<Void> {
        final E item;

        Putter(E item, Runnable onCancel) {
            super(onCancel);
            this.item = item;
        }
    }

    private final int capacity;
    private final ReentrantLock lock = new ReentrantLock();
    private final ArrayDeque<E> items = new ArrayDeque<>(); // guarded by lock
    private final ArrayDeque<Waiter<E>> takers = new ArrayDeque<>(); // guarded by lock
    private final ArrayDeque<Putter<E>> putters = new ArrayDeque<>(); // guarded by lock

    /** @param capacity the most items held; at least 1 */
    public AsyncQueue(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("an async queue holds at least 1 item; got capacity " + capacity);
        }
        this.capacity = capacity;
    }

    /**
     * @param item not null
     * @return a stage that completes once the item is in the queue (or handed to a taker)
     */
    public CompletionStage<Void> put(E item) {
        Objects.requireNonNull(item, "item");
        Waiter<E> taker = null;
        lock.lock();
        try {
            for (Waiter<E> t; (t = takers.poll()) != null; ) {
                if (t.claim()) {
                    taker = t;
                    break;
                }
            }
            if (taker == null) {
                if (items.size() < capacity) {
                    items.add(item);
                    return CompletableFuture.completedFuture(null);
                }
                @SuppressWarnings("unchecked")
                Putter<E>[] self = (Putter<E>[]) new Putter<?>[1];
                Putter<E> p = new Putter<>(item, () -> removePutter(self[0]));
                self[0] = p;
                putters.add(p);
                return p;
            }
        } finally {
            lock.unlock();
        }
        taker.deliver(item);
        return CompletableFuture.completedFuture(null);
    }

    /**
     * @param item not null
     * @return whether it was accepted without waiting
     */
    public boolean offer(E item) {
        Objects.requireNonNull(item, "item");
        Waiter<E> taker = null;
        lock.lock();
        try {
            for (Waiter<E> t; (t = takers.poll()) != null; ) {
                if (t.claim()) {
                    taker = t;
                    break;
                }
            }
            if (taker == null) {
                if (items.size() >= capacity) {
                    return false;
                }
                items.add(item);
                return true;
            }
        } finally {
            lock.unlock();
        }
        taker.deliver(item);
        return true;
    }

    /** @return a stage completing with the next item, in FIFO order among takers; cancel it to stop waiting */
    public CompletionStage<E> take() {
        Putter<E> admitted = null;
        E head;
        lock.lock();
        try {
            head = items.poll();
            if (head == null) {
                @SuppressWarnings("unchecked")
                Waiter<E>[] self = (Waiter<E>[]) new Waiter<?>[1];
                Waiter<E> t = new Waiter<>(() -> removeTaker(self[0]));
                self[0] = t;
                takers.add(t);
                return t;
            }
            for (Putter<E> p; (p = putters.poll()) != null; ) {
                if (p.claim()) {
                    items.add(p.item); // room was just made: the first waiting putter's item enters
                    admitted = p;
                    break;
                }
            }
        } finally {
            lock.unlock();
        }
        if (admitted != null) {
            admitted.deliver(null);
        }
        return CompletableFuture.completedFuture(head);
    }

    /** @return the next item if there is one, without waiting */
    public Optional<E> poll() {
        Putter<E> admitted = null;
        E head;
        lock.lock();
        try {
            head = items.poll();
            if (head != null) {
                for (Putter<E> p; (p = putters.poll()) != null; ) {
                    if (p.claim()) {
                        items.add(p.item);
                        admitted = p;
                        break;
                    }
                }
            }
        } finally {
            lock.unlock();
        }
        if (admitted != null) {
            admitted.deliver(null);
        }
        return Optional.ofNullable(head);
    }

    private void removePutter(Putter<E> p) {
        lock.lock();
        try {
            putters.remove(p);
        } finally {
            lock.unlock();
        }
    }

    private void removeTaker(Waiter<E> t) {
        lock.lock();
        try {
            takers.remove(t);
        } finally {
            lock.unlock();
        }
    }

    /** @return items in the queue now */
    public int size() {
        lock.lock();
        try {
            return items.size();
        } finally {
            lock.unlock();
        }
    }

    /** @return the most items held */
    public int capacity() {
        return capacity;
    }
}
