package dev.spindle;

import java.io.Serializable;

/**
 * A {@link TaskFunction} that can travel to another JVM, for {@code map} on the {@code process} backend.
 *
 * @param <T> the item type
 * @param <R> the result type
 */
@FunctionalInterface
public interface SerializableFunction<T, R> extends TaskFunction<T, R>, Serializable {
}
