package dev.spindle;

/**
 * A unit of work that returns a value or throws: the Spindle counterpart of {@link java.util.concurrent.Callable}.
 *
 * <p>Task code that runs long should cooperate with cancellation by calling {@link Cancellation#check()} or by
 * letting {@link InterruptedException} propagate; Spindle interrupts the thread running a cancelled task on every
 * thread-based backend.
 *
 * @param <T> the result type
 */
@FunctionalInterface
public interface Task<T> {
    /**
     * Runs the work.
     *
     * @return the result, may be {@code null}
     * @throws Exception any failure; it becomes the cause of {@link TaskFailedException} for whoever joins the task
     */
    T call() throws Exception;
}
