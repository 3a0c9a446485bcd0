package dev.spindle;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.TimeoutException;

/**
 * A submitted task: Python's {@code asyncio.Task}, {@code AsyncResult} and {@code concurrent.futures.Future} in one.
 *
 * <p>Being a {@link Future}, it honours the {@code Future} contract: once {@link #cancel()} returns {@code true},
 * {@link #isDone()} and {@link #isCancelled()} return {@code true} and {@link #join()} throws at once, even if the
 * task's code has not yet noticed the interrupt. A {@link TaskGroup}, in contrast, waits until the code of every task
 * in it has actually returned.
 *
 * <p>Cancellation reaches the work: a pending task never starts; a running task is flagged (see
 * {@link Cancellation#check()}) and its thread is interrupted. A task that returns normally after it was cancelled
 * has swallowed the interrupt; Spindle discards its result and logs that once at WARN.
 *
 * <p>This interface is thread-safe: any thread may query, join or cancel a handle.
 *
 * @param <T> the result type
 */
public interface TaskHandle<T> extends Future<T> {

    /** @return a number unique among the tasks of this JVM (not ordered: threads take ids in blocks) */
    long id();

    /** @return the name given in {@link TaskOptions}, or {@code "task-<id>"} */
    String name();

    /**
     * The task's life-cycle state. (Named {@code taskState} because {@link Future#state()} exists since JDK 19 with
     * a coarser type; that one works too.)
     *
     * @return the current state; never moves backwards
     */
    TaskState taskState();

    /**
     * Waits for the task and returns its result.
     *
     * @return the task's result
     * @throws TaskFailedException if the task threw; the cause is what it threw
     * @throws TaskCancelledException if the task was cancelled ({@link DeadlineExceededException} if its deadline
     *     passed), or if the waiting thread was interrupted (the interrupt flag is kept)
     */
    T join();

    /**
     * Waits at most {@code timeout} for the result. The timeout stops the waiting, not the work: call
     * {@link #cancel()} to stop the work too, or give the task a timeout with {@link TaskOptions#withTimeout}.
     *
     * @param timeout how long to wait; not negative
     * @return the task's result
     * @throws TimeoutException if the task is not done within {@code timeout}
     * @throws TaskFailedException if the task threw
     * @throws TaskCancelledException if the task was cancelled
     */
    T get(Duration timeout) throws TimeoutException;

    /**
     * Cancels the task and every task group opened inside it, to any depth.
     *
     * @return {@code true} if this call moved the task to {@link TaskState#CANCELLED}; {@code false} if it was
     *     already terminal (a {@code SUCCEEDED} or {@code FAILED} task stays as it is)
     */
    boolean cancel();

    /** Same as {@link #cancel()}: the flag is ignored because Spindle always interrupts a running task. */
    @Override
    default boolean cancel(boolean mayInterruptIfRunning) {
        return cancel();
    }

    /**
     * The failure of a {@link TaskState#FAILED} task, without waiting.
     *
     * @return what the task's code threw, or {@code null} if the task has not failed
     */
    Throwable failure();

    /**
     * A {@link CompletableFuture} that completes when the task's code has finished, with its result or failure.
     * Cancelling the returned future cancels the task. Each call returns a new future, so one caller completing its
     * future does not affect the task or other callers.
     *
     * @return a new future tied to this task
     */
    CompletableFuture<T> toCompletableFuture();
}
