package dev.spindle.eventloop;

/**
 * In strict mode, a step that held its event loop longer than the slow-step threshold fails with this exception
 * once it returns (it cannot be stopped while it runs). The message names the step and how long it took.
 */
public class EventLoopBlockedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @param message the step, its duration and the threshold */
    public EventLoopBlockedException(String message) {
        super(message);
    }
}
