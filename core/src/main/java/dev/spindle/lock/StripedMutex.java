package dev.spindle.lock;

import dev.spindle.Task;
import java.util.Objects;

/**
 * A mutex per key from a fixed set of stripes: keys that hash to the same stripe share a lock, so memory stays
 * bounded however many keys there are (like Guava's {@code Striped}). Each stripe is a {@link ReentrantMutex}, so a
 * thread may take the same key twice, or two keys that share a stripe. To hold several keys at once, take them in
 * one global order (e.g. sorted) to stay free of deadlock; {@link LockOrder} checking catches the rest.
 *
 * <p>Python has no counterpart in {@code threading}: there one writes {@code defaultdict(threading.RLock)}, which grows
 * with every key and is itself unsafe to fill from several threads without a lock of its own; here the set of locks
 * is fixed when the object is made. The JDK's nearest relative is a {@code ConcurrentHashMap} of
 * {@code ReentrantLock}s ({@code computeIfAbsent}), which also grows without bound.
 *
 * <p>This class is thread-safe.
 */
public final class StripedMutex {

    private final ReentrantMutex[] stripes;

    /**
     * @param name a name for error messages; stripe {@code i} is named {@code name[i]}
     * @param stripes how many locks; at least 1 (a power of two spreads keys best)
     */
    public StripedMutex(String name, int stripes) {
        Objects.requireNonNull(name, "name");
        if (stripes < 1) {
            throw new IllegalArgumentException("a striped mutex needs at least 1 stripe; got " + stripes);
        }
        this.stripes = new ReentrantMutex[stripes];
        for (int i = 0; i < stripes; i++) {
            this.stripes[i] = new ReentrantMutex(name + "[" + i + "]", false);
        }
    }

    /**
     * @param key any object with a stable {@code hashCode}
     * @return the lock for that key
     */
    public ReentrantMutex forKey(Object key) {
        int h = Objects.requireNonNull(key, "key").hashCode();
        h ^= h >>> 16; // spread high bits, as HashMap does
        return stripes[Math.floorMod(h, stripes.length)];
    }

    /**
     * @param key the key
     * @return a hold on the key's stripe
     */
    public Held acquire(Object key) {
        return forKey(key).acquire();
    }

    /**
     * @param key the key
     * @param task the critical section
     * @param <T> its result type
     * @return what it returned
     * @throws Exception what it threw
     */
    public <T> T withLock(Object key, Task<T> task) throws Exception {
        return forKey(key).withLock(task);
    }

    /** @return the number of stripes */
    public int stripes() {
        return stripes.length;
    }
}
