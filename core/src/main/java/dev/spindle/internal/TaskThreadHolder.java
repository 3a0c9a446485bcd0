package dev.spindle.internal;

import dev.spindle.spi.TaskRun;

/**
 * What a thread started for one task (a virtual thread of the {@code virtual} backend) runs, set as that thread's
 * uncaught-exception handler so that {@link Current} finds the thread's task through it: no thread-local, whose map a
 * new thread would allocate on first use (136 bytes and a weak reference per task, measured). As a handler it does
 * what the JVM does without one: the default handler if set, else the thread group's report. A task that replaces
 * its own thread's handler hides itself from {@link Current} for the rest of its run (then
 * {@code Cancellation.check()} no longer sees its cancellation), so Spindle's threads should keep theirs.
 *
 * <p>{@link #current} is read and written by its own thread only.
 */
public abstract class TaskThreadHolder implements Thread.UncaughtExceptionHandler {

    TaskRun<?> current;

    /** For subclasses. */
    protected TaskThreadHolder() {
    }

    @Override
    public void uncaughtException(Thread t, Throwable e) {
        Thread.UncaughtExceptionHandler d = Thread.getDefaultUncaughtExceptionHandler();
        if (d != null) {
            d.uncaughtException(t, e);
        } else {
            t.getThreadGroup().uncaughtException(t, e);
        }
    }
}
