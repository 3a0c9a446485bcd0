package dev.spindle.process;

import dev.spindle.Task;
import dev.spindle.internal.CancelScope;
import dev.spindle.spi.TaskRun;

/**
 * What runs in the parent for a task of the process backend: the task's bytes, serialized at submit. The pool's
 * pump runs it (on whichever thread pumps) once a slot has room, with the slot's lease as the run's backend data; it
 * sends the bytes to that slot's worker with a {@link RunHeader} (time left until its deadline, its name) and
 * returns the {@link RemoteCall} that the worker's reply completes: the task is asynchronous, no parent thread waits
 * for it.
 */
final class RemoteTask implements Task<RemoteCall> {

    private final ProcessExecutor executor;
    private final byte[] payload;

    RemoteTask(ProcessExecutor executor, byte[] payload) {
        this.executor = executor;
        this.payload = payload;
    }

    /** What the pump hands a task whose slot could not start a worker: the task fails with it. */
    record StartFailure(Exception failure) {
    }

    @Override
    public RemoteCall call() throws Exception {
        TaskRun<?> run = TaskRun.current();
        Object data = run == null ? null : run.backendData();
        if (data instanceof StartFailure f) {
            throw f.failure();
        }
        if (!(data instanceof Slot.Lease lease)) {
            throw new IllegalStateException("a process-backend task ran outside its pool's pump; this is a bug in "
                    + "Spindle, please report it");
        }
        long deadline = run.effectiveDeadlineNanos();
        long remaining = deadline == CancelScope.NO_DEADLINE ? RunHeader.NO_DEADLINE
                : Math.max(0, deadline - System.nanoTime());
        RemoteCall call = new RemoteCall(executor, run, RunHeader.prefix(payload, remaining, run.name()), deadline);
        lease.use(); // only now: if anything above threw, the pump gives the room back
        lease.slot().send(lease, call);
        return call;
    }
}
