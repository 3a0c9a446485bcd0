package dev.spindle;

/**
 * A task group's timeout or deadline passed before its tasks finished; the group cancelled the tasks still running
 * and waited for them. The cause is the first failure among the tasks, if any.
 */
public class GroupTimeoutException extends TaskGroupException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message the group, its time limit, and what happened to its tasks
     * @param cause the first failure, or {@code null}
     */
    public GroupTimeoutException(String message, Throwable cause) {
        super(message, cause);
    }
}
