package dev.spindle.eventloop;

import java.util.concurrent.CompletionStage;

/**
 * An asynchronous task for an {@link EventLoop}: its code runs a first step on the loop and returns a
 * {@link CompletionStage}; the task ends when the stage completes. Python's coroutine, with the stage as its
 * awaitable. The code must not block: compose with {@code thenCompose}, wait with {@link EventLoop#sleep}, and move
 * blocking calls off the loop with {@link EventLoop#toThread}.
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
