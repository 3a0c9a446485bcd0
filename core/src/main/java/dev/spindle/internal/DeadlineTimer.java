package dev.spindle.internal;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * One daemon thread that fires deadlines for every executor in the JVM. A fired deadline only cancels a node, which
 * is cheap, so one thread is enough. Timers of tasks that finish in time are removed at once.
 */
public final class DeadlineTimer {

    private static final ScheduledThreadPoolExecutor TIMER;

    static {
        TIMER = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "spindle-deadlines");
            t.setDaemon(true);
            return t;
        });
        TIMER.setRemoveOnCancelPolicy(true);
        TIMER.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    }

    private DeadlineTimer() {
    }

    /**
     * @param deadlineNanos a {@link System#nanoTime()} instant
     * @param action what to do then; must be quick and must not throw
     * @return a handle to cancel the timer
     */
    public static ScheduledFuture<?> at(long deadlineNanos, Runnable action) {
        return TIMER.schedule(action, deadlineNanos - System.nanoTime(), TimeUnit.NANOSECONDS);
    }
}
