package dev.spindle.eventloop;

/** What cancelling a {@link EventLoop#toThread} stage does to the blocking call it runs. */
public enum ToThreadPolicy {
    /** Interrupt the thread running the call; the stage is cancelled at once. The default. */
    INTERRUPT,
    /**
     * Leave the call running and forget it: the stage is cancelled at once and the call's result is dropped.
     * Its capacity slot stays taken until the call returns.
     */
    ABANDON,
    /** Interrupt the call, but complete the stage (as cancelled) only once the call has returned. */
    WAIT
}
