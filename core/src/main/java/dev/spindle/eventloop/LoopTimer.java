package dev.spindle.eventloop;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** A timer in a loop's heap. Firing and cancelling race through one CAS, so exactly one of them wins. */
final class LoopTimer implements Comparable<LoopTimer>, Scheduled {

    private static final AtomicLong SEQ = new AtomicLong();
    private static final int WAITING = 0;
    private static final int FIRED = 1;
    private static final int CANCELLED = 2;

    final long at;
    final Runnable action;
    private final long seq = SEQ.incrementAndGet(); // equal deadlines fire in scheduling order
    private final AtomicInteger state = new AtomicInteger();

    LoopTimer(long at, Runnable action) {
        this.at = at;
        this.action = action;
    }

    /** @return whether it should fire now (it was not cancelled) */
    boolean fire() {
        return state.compareAndSet(WAITING, FIRED);
    }

    @Override
    public boolean cancel() {
        return state.compareAndSet(WAITING, CANCELLED);
    }

    boolean isCancelled() {
        return state.get() == CANCELLED;
    }

    @Override
    public int compareTo(LoopTimer o) {
        int c = Long.compare(at - o.at, 0); // nanoTime order, safe across overflow
        return c != 0 ? c : Long.compare(seq, o.seq);
    }
}
