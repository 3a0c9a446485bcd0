package dev.spindle.lock;

/**
 * A lock, or permit, held until {@link #close()}: {@code try (Held held = mutex.acquire()) { ... }} is Python's
 * {@code with lock:}. Closing releases exactly what the acquisition took; close it once, on the thread that
 * acquired it.
 */
@FunctionalInterface
public interface Held extends AutoCloseable {
    /** Releases what was acquired. Throws nothing checked. */
    @Override
    void close();
}
