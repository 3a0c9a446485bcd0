package dev.spindle;

import java.util.concurrent.CancellationException;

/**
 * The task (or the group, or the waiting) was cancelled. It is a {@link CancellationException}, so code written
 * against {@link java.util.concurrent.Future} handles it as it already does. The message says who cancelled and why.
 */
public class TaskCancelledException extends CancellationException {
    private static final long serialVersionUID = 1L;

    /** @param message who was cancelled, by what, and why */
    public TaskCancelledException(String message) {
        super(message);
    }

    /**
     * @param message who was cancelled, by what, and why
     * @param cause what triggered the cancellation, if any
     */
    public TaskCancelledException(String message, Throwable cause) {
        super(message);
        if (cause != null) {
            initCause(cause);
        }
    }
}
