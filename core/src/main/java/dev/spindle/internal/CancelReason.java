package dev.spindle.internal;

import dev.spindle.DeadlineExceededException;
import dev.spindle.TaskCancelledException;

/**
 * Why a node of the cancellation tree was cancelled. Immutable.
 *
 * @param message who cancelled and why, e.g. {@code "group 'fetch' failed fast: task 'a' (#3) failed"}
 * @param deadline whether a deadline passing caused it
 * @param kind what triggered it
 * @param origin the group or task that decided to cancel, or {@code null}; descendants see the same origin, which
 *     is how a group tells its own decision from one inherited from above
 */
public record CancelReason(String message, boolean deadline, Kind kind, Object origin) {

    /**
     * @param message who cancelled and why
     * @param deadline whether a deadline passing caused it
     * @param kind what triggered it
     */
    public CancelReason(String message, boolean deadline, Kind kind) {
        this(message, deadline, kind, null);
    }

    /** What triggered a cancellation. */
    public enum Kind {
        /** {@code cancel()} on a handle or group, or a cancelled parent */
        REQUESTED,
        /** a timeout or deadline passed */
        DEADLINE,
        /** a sibling failed and the group fails fast */
        FAIL_FAST,
        /** a quorum of successes was reached and the rest are not needed */
        QUORUM_REACHED,
        /** the executor was shut down */
        SHUTDOWN,
        /**
         * the result is no longer wanted (a {@code mapStreaming} stream was closed early); a task that finishes anyway
         * is not reported as having swallowed its cancellation
         */
        NOT_NEEDED
    }

    /** @return a reason for an explicit request */
    public static CancelReason requested(String message) {
        return new CancelReason(message, false, Kind.REQUESTED);
    }

    /** @return the reason passed on to children: same message, same kind */
    public CancelReason inherited() {
        return this;
    }

    /**
     * @param subject what was cancelled, e.g. {@code "task 'a' (#3)"}
     * @return the exception a waiter sees
     */
    public TaskCancelledException toException(String subject) {
        String text = subject + " was cancelled: " + message;
        return deadline ? new DeadlineExceededException(text) : new TaskCancelledException(text);
    }
}
