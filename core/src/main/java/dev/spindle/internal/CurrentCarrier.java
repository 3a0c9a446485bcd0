package dev.spindle.internal;

/**
 * A thread that keeps its per-thread task state in a {@link CarrierSlots} of its own, so that the hot paths ({@link
 * Current}, task ids, an executor's counters) need no thread-local lookup and no shared atomic on the threads Spindle
 * creates (pool workers). Other threads fall back to thread-locals and striped counters.
 */
public interface CurrentCarrier {

    /** @return this thread's slots; the same object for the thread's whole life */
    CarrierSlots slots();
}
