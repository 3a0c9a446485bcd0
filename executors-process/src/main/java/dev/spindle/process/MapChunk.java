package dev.spindle.process;

import dev.spindle.SerializableFunction;
import dev.spindle.SerializableTask;
import java.util.Arrays;

/**
 * A run of {@code map} items that crosses to a worker as one task: the function, the items in {@link Packed} form,
 * and the index of the first. In the worker it applies the function to each item and returns the results packed the
 * same way; the first item that throws ends the chunk with a {@link MapItemException} naming its index.
 *
 * @param fn the function
 * @param items the packed items
 * @param base the index of the first item in the whole map
 * @param <T> the item type
 * @param <R> the result type
 */
record MapChunk<T, R>(SerializableFunction<T, R> fn, Object items, long base) implements SerializableTask<Object> {

    private static final long serialVersionUID = 1L;

    @Override
    @SuppressWarnings("unchecked")
    public Object call() throws Exception {
        int n = Packed.length(items);
        Object[] out = new Object[n];
        for (int i = 0; i < n; i++) {
            if ((i & 1023) == 1023 && Thread.interrupted()) {
                throw new InterruptedException("map chunk from item #" + base + " was cancelled at item #"
                        + (base + i));
            }
            try {
                out[i] = fn.apply((T) Packed.get(items, i));
            } catch (Throwable e) {
                throw MapItemException.of(base + i, e);
            }
        }
        return Packed.pack(Arrays.asList(out), 0, n);
    }
}
