package dev.spindle.eventloop;

import java.util.concurrent.CompletionStage;

/**
 * An asynchronous task for an {@link EventLoop}: its code runs a first step on the loop and returns a
 * {@link CompletionStage}; the task ends when the stage completes. Python's coroutine, with the stage as its
 * awaitable. The code must not block: compose with {@code thenCompose}, wait with {@link EventLoop#sleep}, and move
 * blocking calls off the loop with {@link EventLoop#toThread}.
 *
 * <p>Only this first step runs inside the task: there {@link dev.spindle.Spindle#currentTask()},
 * {@link dev.spindle.Cancellation#check()}, deadline inheritance (e.g. by {@code toThread}) and
 * {@code TaskGroup.open} see it. Callbacks chained on stages run in the context of whatever completes the stage:
 * outside any task after {@code sleep}, {@code schedule} or {@code toThread}, and inside the other task whose step
 * ended the wait on an async primitive (a {@code put} that hands an item to a waiting {@code take}). Open groups and
 * start {@code toThread} calls here, or keep the handle from {@code Spindle.currentTask()}. Cancelling the task
 * still cancels the stage it waits on.
 *
 * @param <T> the result type
 */
@FunctionalInterface
public interface AsyncTask<T> {
    /**
     * @return the stage whose completion ends the task
     * @throws Exception a failure of the first step
     */
    CompletionStage<T> call() throws Exception;
}
