package dev.spindle;

/**
 * A task was cancelled because its deadline (its own timeout, or one inherited from an enclosing group) passed.
 * Python's {@code TimeoutError} from {@code asyncio.timeout}, except that the work is stopped too.
 */
public class DeadlineExceededException extends TaskCancelledException {
    private static final long serialVersionUID = 1L;

    /** @param message which scope's deadline passed, and what it was */
    public DeadlineExceededException(String message) {
        super(message);
    }
}
