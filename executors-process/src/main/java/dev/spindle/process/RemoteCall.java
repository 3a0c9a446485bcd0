package dev.spindle.process;

import dev.spindle.internal.CancelReason;
import dev.spindle.internal.CancelScope;
import dev.spindle.spi.TaskRun;
import java.io.IOException;
import java.io.InvalidClassException;
import java.io.ObjectInputFilter;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;

/**
 * One task of the process backend on its way through the pool: what its {@link TaskRun} waits on (the task is
 * asynchronous, so no parent thread waits for the worker), completed with the worker's reply on the worker's reader
 * thread.
 *
 * <p>{@link #cancel} does not end it at once: it asks the worker to interrupt the task (and, after the grace period,
 * destroys the worker), and the task ends when the worker answers or dies, so a task is never over in the parent
 * while it still runs in a worker. A call waiting in the queue to be sent again ends at once.
 *
 * <p>Thread-safe.
 */
final class RemoteCall extends CompletableFuture<Object> {

    final TaskRun<?> run;
    final long taskId;
    final String taskName;
    final byte[] payload;
    private final long deadline;
    private final ProcessExecutor executor;
    private volatile Worker worker; // the worker it was last sent to
    private volatile boolean cancelRequested;
    private volatile boolean replied; // the reply is being turned into the outcome: a cancellation no longer travels
    // retries: touched by one thread at a time (the reader that saw the crash, then the pump that sends it again)
    int attempt;
    int killed;
    WorkerCrashedException earlier;

    RemoteCall(ProcessExecutor executor, TaskRun<?> run, byte[] payload, long deadline) {
        this.executor = executor;
        this.run = run;
        this.taskId = run.id();
        this.taskName = run.describe();
        this.payload = payload;
        this.deadline = deadline;
    }

    /** @param w the worker it is being sent to; set before sending, so that a cancellation finds it */
    void sentTo(Worker w) {
        worker = w;
    }

    boolean cancelRequested() {
        return cancelRequested;
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        cancelRequested = true; // before looking at where it is: the sender looks at this after publishing the worker
        if (isDone() || replied) {
            return false;
        }
        if (executor.removeQueued(this)) {
            endUnsent(false);
            return true;
        }
        Worker w = worker;
        if (w != null) {
            w.cancel(taskId, taskName);
        }
        return true;
    }

    /**
     * Turns the worker's reply into the task's outcome: the value, or what the task threw.
     *
     * @param reply the RESULT or FAILURE frame
     * @param filter the pool's extra allow-list
     */
    void replied(Frame reply, ObjectInputFilter filter) {
        replied = true;
        Object value;
        try {
            value = Payload.decode(reply.payload(), filter);
        } catch (IOException | ClassNotFoundException | RuntimeException | LinkageError | StackOverflowError e) {
            String what = reply.type() == Frame.RESULT ? "result" : "exception";
            String hint = e instanceof InvalidClassException
                    ? "; a class was rejected by the serialization filter: if it is expected, add it to the "
                            + "executor's 'allow' key (ObjectInputFilter pattern, e.g. com.example.*)"
                    : "";
            fail(new IOException(taskName + " ran, but its " + what + " could not be read here: " + e + hint, e));
            return;
        }
        if (reply.type() == Frame.RESULT) {
            deadlineWins();
            complete(value);
        } else if (value instanceof Throwable x) {
            fail(x);
        } else {
            fail(new RemoteTaskException(String.valueOf(value), "the task failed with something not an exception",
                    new StackTraceElement[0]));
        }
    }

    /**
     * Ends a call that waited to be sent again (its worker died before it ran) and will not be.
     *
     * @param poolShutDown why: the pool was shut down, else the task was cancelled
     */
    void endUnsent(boolean poolShutDown) {
        fail(new CancellationException(taskName + (poolShutDown ? " was not sent again: the pool was shut down"
                : " was cancelled before it was sent again")));
    }

    /** @param failure how the task ended */
    void fail(Throwable failure) {
        replied = true;
        deadlineWins();
        completeExceptionally(failure);
    }

    /**
     * The worker enforces the deadline too (its clock starts later, so it fires no earlier than ours). A reply that
     * arrives once the deadline has passed, before our own timer cancelled the task, is what the worker's deadline
     * made of it: the task ends cancelled by its deadline, as it would in one JVM, not with that reply.
     */
    private void deadlineWins() {
        if (deadline != CancelScope.NO_DEADLINE && System.nanoTime() - deadline >= 0 && !run.isCancelRequested()) {
            run.cancel(new CancelReason("its deadline passed", true, CancelReason.Kind.DEADLINE));
        }
    }
}
