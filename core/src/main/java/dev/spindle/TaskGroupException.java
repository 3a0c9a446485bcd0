package dev.spindle;

/**
 * A task group did not meet its {@link GroupPolicy}. The cause is the first failure; every other failure is attached
 * with {@link #addSuppressed}, so none is lost. Cancelled tasks are not failures and are not attached.
 */
public class TaskGroupException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what the group was and why it failed
     * @param cause the first failure, or {@code null} when none of the tasks failed (e.g. a quorum was not reached)
     */
    public TaskGroupException(String message, Throwable cause) {
        super(message, cause);
    }
}
