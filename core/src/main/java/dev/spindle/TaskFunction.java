package dev.spindle;

/**
 * A function applied to each item by {@link TaskExecutor#map} and {@link TaskExecutor#mapStreaming}; it may throw.
 *
 * @param <T> the item type
 * @param <R> the result type
 */
@FunctionalInterface
public interface TaskFunction<T, R> {
    /**
     * Applies the function to one item.
     *
     * @param item the item
     * @return the result for that item
     * @throws Exception any failure; it is reported with the item's index
     */
    R apply(T item) throws Exception;
}
