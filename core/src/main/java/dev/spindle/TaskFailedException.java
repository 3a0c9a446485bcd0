package dev.spindle;

/**
 * Thrown by {@link TaskHandle#join()} (and by {@link TaskExecutor#map}) when a task's code threw. The cause is what
 * it threw; for {@code map} and {@code mapStreaming}, {@link #itemIndex()} says which item failed.
 */
public class TaskFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final long itemIndex;

    /**
     * @param message what failed
     * @param cause what the task threw
     */
    public TaskFailedException(String message, Throwable cause) {
        this(message, cause, -1);
    }

    /**
     * @param message what failed
     * @param cause what the task threw
     * @param itemIndex the index of the failed item in a {@code map}, or -1
     */
    public TaskFailedException(String message, Throwable cause, long itemIndex) {
        super(message, cause);
        this.itemIndex = itemIndex;
    }

    /** @return the index of the item whose function threw, for {@code map}; -1 otherwise */
    public long itemIndex() {
        return itemIndex;
    }
}
