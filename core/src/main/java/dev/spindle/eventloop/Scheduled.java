package dev.spindle.eventloop;

/** A timer scheduled on an {@link EventLoop}. Thread-safe. */
public interface Scheduled {
    /**
     * Cancels the timer if it has not fired.
     *
     * @return whether this call stopped it from firing
     */
    boolean cancel();
}
