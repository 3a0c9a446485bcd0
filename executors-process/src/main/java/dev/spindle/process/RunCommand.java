package dev.spindle.process;

import dev.spindle.SerializableTask;

/**
 * A {@link Runnable} passed to {@code execute}, sent to a worker as a task; the runnable must be serializable.
 *
 * @param command the work
 */
record RunCommand(Runnable command) implements SerializableTask<Object> {

    private static final long serialVersionUID = 1L;

    @Override
    public Object call() {
        command.run();
        return null;
    }
}
