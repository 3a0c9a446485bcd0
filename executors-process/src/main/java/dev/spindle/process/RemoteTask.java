package dev.spindle.process;

import dev.spindle.Task;
import dev.spindle.internal.CancelReason;
import dev.spindle.internal.CancelScope;
import dev.spindle.spi.TaskRun;

/**
 * What runs in the parent for a task of the process backend: the task's bytes, serialized at submit, sent to the
 * worker of the slot running it with a {@link RunHeader} (time left until its deadline, its name); the call returns
 * the worker's result or rethrows its exception.
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
        long deadline = run.effectiveDeadlineNanos();
        long remaining = deadline == CancelScope.NO_DEADLINE ? RunHeader.NO_DEADLINE
                : Math.max(0, deadline - System.nanoTime());
        Object value;
        try {
            value = slot.execute(run.id(), run.describe(), RunHeader.prefix(payload, remaining, run.name()));
        } catch (Exception | Error e) {
            deadlineWins(run, deadline);
            throw e;
        }
        deadlineWins(run, deadline);
        return (T) value;
    }

    /**
     * The worker enforces the deadline too (its clock starts later, so it fires no earlier than ours). A reply that
     * arrives once the deadline has passed, before our own timer cancelled the task, is what the worker's deadline
     * made of it: the task ends cancelled by its deadline, as it would in one JVM, not with that reply.
     */
    private static void deadlineWins(TaskRun<?> run, long deadline) {
        if (deadline != CancelScope.NO_DEADLINE && System.nanoTime() - deadline >= 0 && !run.isCancelRequested()) {
            run.cancel(new CancelReason("its deadline passed", true, CancelReason.Kind.DEADLINE));
        }
    }
}
