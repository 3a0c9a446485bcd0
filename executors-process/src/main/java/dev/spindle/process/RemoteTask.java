package dev.spindle.process;

import dev.spindle.Task;
import dev.spindle.spi.TaskRun;

/**
 * What runs in the parent for a task of the process backend: the task's bytes, serialized at submit, sent to the
 * worker of the slot running it; the call returns the worker's result or rethrows its exception.
 *
 * @param <T> the result type
 */
final class RemoteTask<T> implements Task<T> {

    private final byte[] payload;

    RemoteTask(byte[] payload) {
        this.payload = payload;
    }

    @Override
    @SuppressWarnings("unchecked")
    public T call() throws Exception {
        Slot slot = Slot.current();
        TaskRun<?> run = TaskRun.current();
        if (slot == null || run == null) {
            throw new IllegalStateException("a process-backend task ran outside its pool's slot threads; this is a "
                    + "bug in Spindle, please report it");
        }
        return (T) slot.execute(run.id(), run.describe(), payload);
    }
}
