package dev.spindle.internal.lock;

import dev.spindle.DeadlineExceededException;
import dev.spindle.TaskCancelledException;
import dev.spindle.internal.CancelScope;
import dev.spindle.internal.Current;
import dev.spindle.spi.TaskRun;
import java.time.Duration;
import java.util.concurrent.locks.AbstractQueuedSynchronizer;

/**
 * How every Spindle lock waits: interruptibly, for at most the caller's timeout and the current task's deadline,
 * and never after the current task was cancelled. A wait that ends without the lock has not taken it.
 */
public final class LockWaits {

    /**
     * A timed, interruptible attempt, such as {@code AbstractQueuedSynchronizer.tryAcquireNanos}. Locks implement it
     * with a nested class made in their constructor, not a lambda: linking a lambda, or loading a class, on a virtual
     * thread's first wait would pin its carrier.
     */
    public interface Attempt {
        /**
         * @param nanos the longest to wait; {@code Long.MAX_VALUE} for no limit
         * @param arg the lock's own argument (e.g. the generation an event waiter saw)
         * @return whether it was acquired
         * @throws InterruptedException if interrupted while waiting
         */
        boolean tryFor(long nanos, int arg) throws InterruptedException;
    }

    static {
        // load what a wait may need now, on the thread that first uses a lock class, not on a virtual thread later
        for (Class<?> c : new Class<?>[] {DeadlineExceededException.class, TaskCancelledException.class,
                LockOrderGraph.class, Current.class}) {
            try {
                Class.forName(c.getName(), true, c.getClassLoader());
            } catch (ClassNotFoundException e) {
                throw new ExceptionInInitializerError(e);
            }
        }
    }

    private LockWaits() {
    }

    /** Loads this class and what it needs; lock classes call it from their static initializers. */
    public static void preload() {
    }

    /**
     * Waits for an exclusive lock built on {@link AbstractQueuedSynchronizer} (argument 1), after its uncontended
     * attempt failed. The common case — no timeout, and no task deadline — waits in the synchronizer's queue
     * directly ({@code acquireInterruptibly}), without the clock or the {@link Attempt}; the rest goes through
     * {@link #await}. Either way a cancelled task does not wait, and an interrupt ends the wait as in {@link #await}.
     *
     * @param sync the lock's synchronizer
     * @param what the lock, for messages
     * @param timeout the caller's limit, or {@code null} for none
     * @param attempt the timed acquisition, for {@link #await}
     * @return whether it was acquired within {@code timeout}
     * @throws TaskCancelledException if the current task was cancelled, or the thread interrupted (flag kept)
     * @throws DeadlineExceededException if the current task's deadline passed first
     */
    public static boolean acquire(AbstractQueuedSynchronizer sync, Object what, Duration timeout, Attempt attempt) {
        if (timeout != null || !unbounded()) {
            return await(what, timeout, attempt, 0);
        }
        try {
            sync.acquireInterruptibly(1);
            return true;
        } catch (InterruptedException e) {
            throw interrupted(what);
        }
    }

    /**
     * @return whether the caller may wait without a limit: it runs no task, a shielded one, or a task with no deadline
     * @throws TaskCancelledException if the current task was cancelled
     */
    private static boolean unbounded() {
        TaskRun<?> run = Current.run();
        if (run == null || run.isShielded()) {
            return true;
        }
        if (run.cancellationApplies()) {
            throw run.cancellationException();
        }
        return run.effectiveDeadlineNanos() == CancelScope.NO_DEADLINE;
    }

    /**
     * The thread was interrupted while it waited for a lock: keeps the flag set.
     *
     * @param what the lock, for the message
     * @return the exception to throw: the current task's cancellation, or a plain interrupt's
     */
    private static TaskCancelledException interrupted(Object what) {
        Thread.currentThread().interrupt();
        TaskRun<?> run = Current.run();
        if (run != null && run.cancellationApplies()) {
            return run.cancellationException();
        }
        return new TaskCancelledException("interrupted while waiting for " + what);
    }

    /**
     * @param what the lock, for messages (its {@code toString()}, e.g. {@code mutex 'accounts'}, is made only for
     *     a message)
     * @param timeout the caller's limit, or {@code null} for none
     * @param attempt the waiting acquisition
     * @param arg passed to the attempt
     * @return whether it was acquired within {@code timeout}
     * @throws TaskCancelledException if the current task was cancelled, or the thread interrupted (flag kept)
     * @throws DeadlineExceededException if the current task's deadline passed first
     */
    public static boolean await(Object what, Duration timeout, Attempt attempt, int arg) {
        TaskRun<?> run = Current.run();
        long taskDeadline = CancelScope.NO_DEADLINE;
        if (run != null && !run.isShielded()) {
            if (run.cancellationApplies()) {
                throw run.cancellationException();
            }
            taskDeadline = run.effectiveDeadlineNanos();
        }
        long callerLimit = timeout == null ? Long.MAX_VALUE : Math.max(0, timeout.toNanos());
        // the clock is read only when there is a deadline: a contended untimed wait goes straight to the queue
        long untilTask = taskDeadline == CancelScope.NO_DEADLINE ? Long.MAX_VALUE
                : Math.max(0, taskDeadline - System.nanoTime());
        long wait = Math.min(callerLimit, untilTask);
        boolean got;
        try {
            got = attempt.tryFor(wait, arg);
        } catch (InterruptedException e) {
            throw interrupted(what);
        }
        if (got) {
            return true;
        }
        if (untilTask < callerLimit) {
            throw new DeadlineExceededException(run.describe() + " reached its deadline while waiting for " + what);
        }
        return false;
    }
}
