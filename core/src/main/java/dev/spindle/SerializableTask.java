package dev.spindle;

import java.io.Serializable;

/**
 * A {@link Task} that can travel to another JVM, for the {@code process} backend. A lambda becomes serializable when
 * its target type is this interface: {@code SerializableTask<Long> t = () -> countPrimes(from, to);} — everything it
 * captures must be serializable too (records of plain values are ideal).
 *
 * @param <T> the result type; it must be serializable as well
 */
@FunctionalInterface
public interface SerializableTask<T> extends Task<T>, Serializable {
}
