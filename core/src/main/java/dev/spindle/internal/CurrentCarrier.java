package dev.spindle.internal;

import dev.spindle.spi.TaskRun;

/**
 * A thread that keeps its current task in a field of its own, so that {@link Current} needs no thread-local lookup
 * on the threads Spindle creates (pool workers). Other threads fall back to a {@link ThreadLocal}.
 */
public interface CurrentCarrier {

    /** @return the task running on this thread, or {@code null} */
    TaskRun<?> currentRun();

    /** @param run the task now running on this thread, or {@code null} */
    void currentRun(TaskRun<?> run);
}
