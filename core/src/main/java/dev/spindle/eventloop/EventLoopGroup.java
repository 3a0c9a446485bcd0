package dev.spindle.eventloop;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * N event loops: {@link #next()} hands them out round-robin, {@link #forKey(Object)} always gives the same loop for
 * the same key (so work on one connection, account or session stays on one thread, in order, without locks).
 * Closing the group closes every loop. Thread-safe.
 */
public final class EventLoopGroup implements AutoCloseable {

    private final List<EventLoop> loops;
    private final AtomicInteger next = new AtomicInteger();

    /**
     * @param name the group's name; loop {@code i} is named {@code name-i}
     * @param size how many loops; at least 1 (the core count is a good start)
     */
    public EventLoopGroup(String name, int size) {
        Objects.requireNonNull(name, "name");
        if (size < 1) {
            throw new IllegalArgumentException("an event loop group needs at least 1 loop; got " + size);
        }
        List<EventLoop> list = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            list.add(new EventLoop(name + "-" + i, Duration.ofMillis(100), false, 40));
        }
        this.loops = List.copyOf(list);
    }

    /** @return the next loop, round-robin */
    public EventLoop next() {
        return loops.get(Math.floorMod(next.getAndIncrement(), loops.size()));
    }

    /**
     * @param key any object with a stable {@code hashCode}
     * @return the loop for that key: the same key always gives the same loop
     */
    public EventLoop forKey(Object key) {
        int h = Objects.requireNonNull(key, "key").hashCode();
        return loops.get(Math.floorMod(h ^ (h >>> 16), loops.size()));
    }

    /** @return the loops, in order */
    public List<EventLoop> loops() {
        return loops;
    }

    /** Closes every loop: each runs its accepted work to the end. */
    @Override
    public void close() {
        for (EventLoop loop : loops) {
            loop.close();
        }
    }

    /** Cancels everything on every loop. */
    public void shutdownNow() {
        for (EventLoop loop : loops) {
            loop.shutdownNow();
        }
    }
}
