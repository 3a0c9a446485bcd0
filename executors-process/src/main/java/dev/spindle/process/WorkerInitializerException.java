package dev.spindle.process;

/**
 * The failure of a task that needed a new worker whose {@code initializer} threw (the cause is what it threw) or
 * killed the worker. After three such failures in a row, with no worker
 * initialized in between, the pool starts no more workers: every queued and later task fails with this exception at
 * once, instead of the pool restarting workers forever. Fix the initializer and create a new executor.
 * It is the cause of the {@link dev.spindle.TaskFailedException} thrown by {@code join()}. Immutable and thread-safe.
 */
public final class WorkerInitializerException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message what happened
     * @param cause what the initializer threw, or the worker's crash
     */
    public WorkerInitializerException(String message, Throwable cause) {
        super(message, cause);
    }
}
