package dev.spindle.lock;

import dev.spindle.internal.lock.LockOrderGraph;

/**
 * Lock-order checking for Spindle's locks. When enabled, Spindle records, across all threads, which lock was taken
 * while which other was held; the first acquisition that would close a cycle in that order fails with
 * {@link PotentialDeadlockException}, before any thread blocks. Off by default: when off, an acquisition pays one
 * volatile read. Enable it in tests and staging, with {@link #enable()} or the system property
 * {@code spindle.lockOrderChecking=true}.
 *
 * <p>Only acquisitions made while checking is on are recorded, per thread: a lock released by a thread other than
 * the one that took it (allowed for {@link Mutex}, as for Python's {@code Lock}) leaves the taker's record as it
 * was. All methods are thread-safe.
 */
public final class LockOrder {

    private LockOrder() {
    }

    /** Turns checking on for every Spindle lock in this JVM. */
    public static void enable() {
        LockOrderGraph.setEnabled(true);
    }

    /** Turns checking off; what was recorded is kept. */
    public static void disable() {
        LockOrderGraph.setEnabled(false);
    }

    /** @return whether checking is on */
    public static boolean isEnabled() {
        return LockOrderGraph.enabled();
    }

    /** Forgets every recorded order (the current threads' held locks are kept). */
    public static void reset() {
        LockOrderGraph.reset();
    }
}
