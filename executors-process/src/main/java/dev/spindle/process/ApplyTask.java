package dev.spindle.process;

import dev.spindle.SerializableFunction;
import dev.spindle.SerializableTask;

/**
 * One item of a {@code mapStreaming} on the process backend, sent to a worker as its own task.
 *
 * @param fn the function
 * @param item the item
 * @param <T> the item type
 * @param <R> the result type
 */
record ApplyTask<T, R>(SerializableFunction<T, R> fn, T item) implements SerializableTask<R> {

    private static final long serialVersionUID = 1L;

    @Override
    public R call() throws Exception {
        return fn.apply(item);
    }
}
