package dev.spindle.spi;

import dev.spindle.SerializableTask;
import dev.spindle.Task;
import java.io.Serializable;
import java.util.concurrent.Callable;

/**
 * Turns a {@link Runnable} or {@link Callable} into a {@link Task} that stays serializable when the original is, so
 * that {@code execute} and the {@code ExecutorService} view work on a backend whose tasks travel to another process.
 * Stateless.
 */
final class Adapted {

    private Adapted() {
    }

    static <T> Task<T> of(Runnable r, T result) {
        if (r instanceof Serializable) {
            return (SerializableTask<T>) () -> {
                r.run();
                return result;
            };
        }
        return () -> {
            r.run();
            return result;
        };
    }

    static <T> Task<T> of(Callable<T> c) {
        if (c instanceof Serializable) {
            return (SerializableTask<T>) c::call;
        }
        return c::call;
    }
}
