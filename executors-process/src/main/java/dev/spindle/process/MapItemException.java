package dev.spindle.process;

import java.io.IOException;

/**
 * Carries, from a worker to the parent, the index of the {@code map} item whose function threw, with what it threw
 * as the cause (or a {@link RemoteTaskException} standing in for it if it cannot travel). Internal: callers see a
 * {@link dev.spindle.TaskFailedException} with {@link dev.spindle.TaskFailedException#itemIndex()}.
 */
final class MapItemException extends Exception implements dev.spindle.internal.MapSupport.IndexedFailure {

    private static final long serialVersionUID = 1L;

    private final long index;

    private MapItemException(long index, Throwable cause) {
        super("map item #" + index + " failed: " + cause, cause, false, false);
        this.index = index;
    }

    static MapItemException of(long index, Throwable cause) {
        Throwable sendable = cause;
        try {
            Payload.encode(cause);
        } catch (IOException | RuntimeException e) {
            sendable = RemoteTaskException.of(cause);
        }
        return new MapItemException(index, sendable);
    }

    @Override
    public long index() {
        return index;
    }
}
