package dev.spindle.threads;

import dev.spindle.TaskExecutor;
import dev.spindle.internal.CoreKeys;
import dev.spindle.spi.Backend;
import dev.spindle.spi.BackendContext;
import dev.spindle.spi.ConfigKey;
import java.util.List;

/** The {@code threads} backend: a fixed pool of platform threads (Python's {@code ThreadPoolExecutor}). */
public final class ThreadsBackend implements Backend {

    /** Creates the backend; found by {@link java.util.ServiceLoader}. */
    public ThreadsBackend() {
    }

    @Override
    public String name() {
        return "threads";
    }

    @Override
    public String description() {
        return "a fixed pool of platform threads: blocking libraries, ThreadLocal-heavy code";
    }

    @Override
    public List<ConfigKey<?>> keys() {
        return List.of(CoreKeys.PARALLELISM);
    }

    @Override
    public TaskExecutor create(BackendContext context) {
        return new ThreadsExecutor(context.executorName(), context.get(CoreKeys.PARALLELISM));
    }
}
