package dev.spindle.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A sum counted in cells a cache line apart, the cell chosen by the counting thread's id. For counts written by
 * threads that live for one task (a virtual thread per task): a {@link java.util.concurrent.atomic.LongAdder} picks
 * its cell by the thread's random probe, which is unset on every new thread, so that all of them land on one cell
 * and fight over it (a tenth of the virtual backend's time per no-op task, measured with JFR). Thread ids are
 * sequential, so threads started one after the other count in different cells. Thread-safe.
 */
public final class ThreadStripedCounter {

    private static final VarHandle CELLS = MethodHandles.arrayElementVarHandle(long[].class);
    private static final int STRIPES = 16; // a power of two
    private static final int SPREAD = 16; // longs from one cell to the next: 128 bytes, two cache lines

    /** Creates a counter at zero. */
    public ThreadStripedCounter() {
    }

    private final long[] cells = new long[(STRIPES + 1) * SPREAD]; // one spread of padding before the first cell

    /** Adds one. */
    public void increment() {
        int i = (1 + (int) (Thread.currentThread().threadId() & (STRIPES - 1))) * SPREAD;
        CELLS.getAndAdd(cells, i, 1L);
    }

    /** @return the sum; exact when no thread counts at the same time, as {@code LongAdder.sum()} */
    public long sum() {
        long s = 0;
        for (int i = SPREAD; i < cells.length; i += SPREAD) {
            s += (long) CELLS.getVolatile(cells, i);
        }
        return s;
    }
}
