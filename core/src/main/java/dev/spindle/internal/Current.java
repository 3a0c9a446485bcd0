package dev.spindle.internal;

import dev.spindle.spi.TaskRun;

/**
 * Which task the current thread is running. A thread that helps another task (runs it inline while joining) pushes
 * and pops frames, so the innermost task is always the current one. Spindle's pool threads keep it in a field of their
 * own ({@link CurrentCarrier}), a thread started for one task in that task (the thread's uncaught-exception handler,
 * see {@link TaskRun#innermostOnItsThread()}: no thread-local, whose map a new thread would allocate on first use),
 * other threads in a thread-local.
 */
public final class Current {

    private static final ThreadLocal<TaskRun<?>> RUN = new ThreadLocal<>();

    /**
     * Whether any platform thread that is not a {@link CurrentCarrier} (a caller running inline, a thread helping a
     * join) ever pushed a task. A plain field, read and written without ordering on purpose: a thread asks only
     * about itself, and its own write is always visible to it, so while it reads {@code false} it has never pushed
     * and its {@link #RUN} is empty. Until then, locks used from plain threads skip the thread-local lookup.
     */
    private static boolean platformPushed;

    private Current() {
    }

    /** @return the task running on this thread, or {@code null} */
    public static TaskRun<?> run() {
        Thread t = Thread.currentThread();
        if (t instanceof CurrentCarrier c) {
            return c.slots().current;
        }
        if (t.isVirtual()) {
            return t.getUncaughtExceptionHandler() instanceof TaskRun<?> own ? own.innermostOnItsThread() : RUN.get();
        }
        return platformPushed ? RUN.get() : null;
    }

    /**
     * @param run the task starting on this thread
     * @return the previous frame, to pass to {@link #pop}
     */
    public static TaskRun<?> push(TaskRun<?> run) {
        Thread t = Thread.currentThread();
        if (t instanceof CurrentCarrier c) {
            CarrierSlots slots = c.slots();
            TaskRun<?> previous = slots.current;
            slots.current = run;
            return previous;
        }
        if (t.isVirtual() && t.getUncaughtExceptionHandler() instanceof TaskRun<?> own) {
            TaskRun<?> previous = own.innermostOnItsThread();
            own.innermostOnItsThread(run);
            return previous;
        }
        if (!platformPushed && !t.isVirtual()) {
            platformPushed = true; // before the thread-local is set: see the field
        }
        TaskRun<?> previous = RUN.get();
        RUN.set(run);
        return previous;
    }

    /** @param previous what {@link #push} returned */
    public static void pop(TaskRun<?> previous) {
        Thread t = Thread.currentThread();
        if (t instanceof CurrentCarrier c) {
            c.slots().current = previous;
        } else if (t.isVirtual() && t.getUncaughtExceptionHandler() instanceof TaskRun<?> own) {
            own.innermostOnItsThread(previous);
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
