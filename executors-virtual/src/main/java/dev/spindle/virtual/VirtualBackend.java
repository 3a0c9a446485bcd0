package dev.spindle.virtual;

import dev.spindle.TaskExecutor;
import dev.spindle.spi.Backend;
import dev.spindle.spi.BackendContext;
import dev.spindle.spi.ConfigKey;
import java.util.List;

/**
 * The {@code virtual} backend: one virtual thread per task (Python's threads or asyncio for I/O-bound work, without
 * the GIL and without colouring functions async). Found by {@link java.util.ServiceLoader}.
 */
public final class VirtualBackend implements Backend {

    /** At most this many tasks run at once; 0 means no limit. */
    static final ConfigKey<Integer> MAX_CONCURRENCY = ConfigKey.intKey("maxConcurrency",
            "the most tasks running at once (0 = no limit); tasks beyond it wait in a queue, holding no thread",
            0, Integer.MAX_VALUE, () -> 0);

    /**
     * Whether each task's thread is named {@code <executor>#<task id>} (a string of its own per task, 56 bytes for
     * {@code io#1234567}, live while the task runs) rather than sharing the executor's name.
     */
    static final ConfigKey<Boolean> TASK_THREAD_NAMES = ConfigKey.booleanKey("taskThreadNames",
            "name each task's thread <executor>#<task id> (true), or every thread just <executor> (false: saves a "
                    + "string per running task, e.g. 53 MiB for a million parked tasks)", true);

    /** Creates the backend; found by {@link java.util.ServiceLoader}. */
    public VirtualBackend() {
    }

    @Override
    public String name() {
        return "virtual";
    }

    @Override
    public String description() {
        return "one virtual thread per task: I/O-bound work, 100k+ concurrent waits";
    }

    @Override
    public List<ConfigKey<?>> keys() {
        return List.of(MAX_CONCURRENCY, TASK_THREAD_NAMES);
    }

    @Override
    public TaskExecutor create(BackendContext context) {
        return new VirtualExecutor(context.executorName(), context.get(MAX_CONCURRENCY), context.get(TASK_THREAD_NAMES));
    }
}
