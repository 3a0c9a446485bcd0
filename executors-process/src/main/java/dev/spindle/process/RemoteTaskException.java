package dev.spindle.process;

/**
 * Stands in for an exception a task threw in its worker that could not travel back (it, or something it references,
 * is not serializable, or this JVM cannot load its class). Keeps the original class name, message and stack trace.
 * Immutable and thread-safe.
 */
public final class RemoteTaskException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String remoteClassName;

    /**
     * @param remoteClassName the class of the original exception
     * @param message its message, or {@code null}
     * @param stackTrace its stack trace, as recorded in the worker
     */
    public RemoteTaskException(String remoteClassName, String message, StackTraceElement[] stackTrace) {
        super(remoteClassName + (message == null ? "" : ": " + message));
        this.remoteClassName = remoteClassName;
        setStackTrace(stackTrace);
    }

    /** @return the class name of the exception the task threw in its worker */
    public String remoteClassName() {
        return remoteClassName;
    }

    static RemoteTaskException of(Throwable t) {
        return of(t, 0);
    }

    private static RemoteTaskException of(Throwable t, int depth) {
        RemoteTaskException r = new RemoteTaskException(t.getClass().getName(), t.getMessage(), t.getStackTrace());
        if (t.getCause() != null && t.getCause() != t && depth < 16) {
            r.initCause(of(t.getCause(), depth + 1));
        }
        return r;
    }
}
