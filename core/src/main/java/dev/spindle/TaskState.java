package dev.spindle;

/**
 * The life cycle of a task. A task moves from {@code PENDING} to {@code RUNNING} to one of the three terminal
 * states, or from {@code PENDING} straight to {@code CANCELLED}. A terminal state never changes: cancelling a
 * {@code SUCCEEDED} task leaves it {@code SUCCEEDED}.
 */
public enum TaskState {
    /** Accepted, not started yet; cancelling it now means its code never runs. */
    PENDING,
    /** Its code is running. */
    RUNNING,
    /** Its code returned a value. */
    SUCCEEDED,
    /** Its code threw; {@link TaskHandle#join()} throws {@link TaskFailedException} with that cause. */
    FAILED,
    /** Cancelled before it started or while it ran; {@link TaskHandle#join()} throws {@link TaskCancelledException}. */
    CANCELLED;

    /** @return whether this state is final */
    public boolean isTerminal() {
        return this == SUCCEEDED || this == FAILED || this == CANCELLED;
    }
}
