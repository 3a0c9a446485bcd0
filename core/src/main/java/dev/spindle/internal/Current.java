package dev.spindle.internal;

import dev.spindle.spi.TaskRun;

/**
 * Which task the current thread is running. A thread that helps another task (runs it inline while joining) pushes
 * and pops frames, so the innermost task is always the current one. Spindle's pool threads keep it in a field of their
 * own ({@link CurrentCarrier}), other threads in a thread-local, except a thread started for one task (the
 * {@code virtual} backend's): its uncaught-exception handler is the innermost task it runs, or {@link #OWN_IDLE} when
 * none runs. The executor makes the task the handler before the thread starts; a task it helps takes the handler
 * while it runs and hands it back. So no thread-local, whose map a new thread would allocate on first use, and no
 * field in every task. Every such handler reports an uncaught exception as the JVM does without one.
 */
public final class Current {

    private static final ThreadLocal<TaskRun<?>> RUN = new ThreadLocal<>();

    /** The handler of a thread started for one task while it runs no task: before or after the task's code. */
    private static final Thread.UncaughtExceptionHandler OWN_IDLE = Current::reportUncaught;

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
            Thread.UncaughtExceptionHandler h = t.getUncaughtExceptionHandler();
            return h instanceof TaskRun<?> inner ? inner : h == OWN_IDLE ? null : RUN.get();
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
        if (t.isVirtual()) {
            Thread.UncaughtExceptionHandler h = t.getUncaughtExceptionHandler();
            if (h instanceof TaskRun<?> inner) {
                if (inner == run) {
                    return null; // the thread's own task starting: the handler since the thread started
                }
                t.setUncaughtExceptionHandler(run);
                return inner;
            }
            if (h == OWN_IDLE) {
                t.setUncaughtExceptionHandler(run);
                return null;
            }
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
        } else if (t.isVirtual() && isOwnThreadHandler(t.getUncaughtExceptionHandler())) {
            t.setUncaughtExceptionHandler(previous == null ? OWN_IDLE : previous);
        } else {
            RUN.set(previous); // set, not remove: the thread's next task reuses the entry
        }
    }

    private static boolean isOwnThreadHandler(Thread.UncaughtExceptionHandler h) {
        return h instanceof TaskRun<?> || h == OWN_IDLE;
    }

    /**
     * On a thread started for {@code run}, when its task is over: if the task never started (cancelled first), its
     * handler still names it as running; from now on the thread runs no task.
     *
     * @param thread the current thread
     * @param run the task the thread was started for
     */
    public static void ownThreadIdle(Thread thread, TaskRun<?> run) {
        if (thread.getUncaughtExceptionHandler() == run) {
            thread.setUncaughtExceptionHandler(OWN_IDLE);
        }
    }

    /**
     * Reports an exception that escaped a thread as the JVM does when the thread has no handler: to the default
     * handler if one is set, else to the thread's group.
     *
     * @param t the thread
     * @param e what escaped
     */
    public static void reportUncaught(Thread t, Throwable e) {
        Thread.UncaughtExceptionHandler d = Thread.getDefaultUncaughtExceptionHandler();
        if (d != null) {
            d.uncaughtException(t, e);
        } else {
            t.getThreadGroup().uncaughtException(t, e);
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
