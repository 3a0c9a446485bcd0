package dev.spindle.forkjoin;

import dev.spindle.TaskExecutor;
import dev.spindle.internal.CoreKeys;
import dev.spindle.spi.Backend;
import dev.spindle.spi.BackendContext;
import dev.spindle.spi.ConfigKey;
import java.util.List;

/** The {@code forkjoin} backend: a work-stealing {@link java.util.concurrent.ForkJoinPool}. */
public final class ForkJoinBackend implements Backend {

    /** Creates the backend; found by {@link java.util.ServiceLoader}. */
    public ForkJoinBackend() {
    }

    @Override
    public String name() {
        return "forkjoin";
    }

    @Override
    public String description() {
        return "a work-stealing ForkJoinPool: CPU-bound divide and conquer, nested task groups";
    }

    @Override
    public List<ConfigKey<?>> keys() {
        return List.of(CoreKeys.PARALLELISM);
    }

    @Override
    public TaskExecutor create(BackendContext context) {
        return new ForkJoinExecutor(context.executorName(), context.get(CoreKeys.PARALLELISM));
    }
}
