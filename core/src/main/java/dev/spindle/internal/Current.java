package dev.spindle.internal;

import dev.spindle.spi.TaskRun;

/**
 * Which task the current thread is running. A thread that helps another task (runs it inline while joining) pushes
 * and pops frames, so the innermost task is always the current one.
 */
public final class Current {

    private static final ThreadLocal<TaskRun<?>> RUN = new ThreadLocal<>();

    private Current() {
    }

    /** @return the task running on this thread, or {@code null} */
    public static TaskRun<?> run() {
        return Thread.currentThread() instanceof CurrentCarrier c ? c.slots().current : RUN.get();
    }

    /**
     * @param run the task starting on this thread
     * @return the previous frame, to pass to {@link #pop}
     */
    public static TaskRun<?> push(TaskRun<?> run) {
        if (Thread.currentThread() instanceof CurrentCarrier c) {
            CarrierSlots slots = c.slots();
            TaskRun<?> previous = slots.current;
            slots.current = run;
            return previous;
        }
        TaskRun<?> previous = RUN.get();
        RUN.set(run);
        return previous;
    }

    /** @param previous what {@link #push} returned */
    public static void pop(TaskRun<?> previous) {
        if (Thread.currentThread() instanceof CurrentCarrier c) {
            c.slots().current = previous;
        } else {
            RUN.set(previous); // set, not remove: the thread's next task reuses the entry
        }
    }

    /**
     * The node a new task group opened on this thread hangs under: the current task, unless it is inside
     * {@code Cancellation.shielded}, in which case the group is detached from its cancellation.
     *
     * @return the parent node, or {@code null}
     */
    public static CancelScope scopeForNewGroup() {
        TaskRun<?> run = run();
        return run == null || run.isShielded() ? null : run;
    }
}
