package dev.spindle.internal;

import dev.spindle.spi.TaskRun;

/** Told when a task has exited: its state is terminal and its code is no longer running. */
@FunctionalInterface
public interface RunListener {
    /**
     * Called on the thread where the task exited; must not block.
     *
     * @param run the task
     */
    void onExit(TaskRun<?> run);
}
