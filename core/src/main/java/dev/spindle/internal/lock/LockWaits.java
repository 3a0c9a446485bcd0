package dev.spindle.internal.lock;

import dev.spindle.DeadlineExceededException;
import dev.spindle.TaskCancelledException;
import dev.spindle.internal.CancelScope;
import dev.spindle.internal.Current;
import dev.spindle.spi.TaskRun;
import java.time.Duration;

/**
 * How every Spindle lock waits: interruptibly, for at most the caller's timeout and the current task's deadline,
 * and never after the current task was cancelled. A wait that ends without the lock has not taken it.
 */
public final class LockWaits {

    /** A timed, interruptible attempt, such as {@code AbstractQueuedSynchronizer.tryAcquireNanos}. */
    @FunctionalInterface
    public interface Attempt {
        /**
         * @param nanos the longest to wait; {@code Long.MAX_VALUE} for no limit
         * @return whether it was acquired
         * @throws InterruptedException if interrupted while waiting
         */
        boolean tryFor(long nanos) throws InterruptedException;
    }

    private LockWaits() {
    }

    /**
     * @param what the lock, for messages, e.g. {@code mutex 'accounts'}
     * @param timeout the caller's limit, or {@code null} for none
     * @param attempt the waiting acquisition
     * @return whether it was acquired within {@code timeout}
     * @throws TaskCancelledException if the current task was cancelled, or the thread interrupted (flag kept)
     * @throws DeadlineExceededException if the current task's deadline passed first
     */
    public static boolean await(String what, Duration timeout, Attempt attempt) {
        TaskRun<?> run = Current.run();
        long now = System.nanoTime();
        long taskDeadline = CancelScope.NO_DEADLINE;
        if (run != null && !run.isShielded()) {
            if (run.cancellationApplies()) {
                throw run.cancellationException();
            }
            taskDeadline = run.effectiveDeadlineNanos();
        }
        long callerLimit = timeout == null ? Long.MAX_VALUE : Math.max(0, timeout.toNanos());
        long untilTask = taskDeadline == CancelScope.NO_DEADLINE ? Long.MAX_VALUE : Math.max(0, taskDeadline - now);
        long wait = Math.min(callerLimit, untilTask);
        boolean got;
        try {
            got = attempt.tryFor(wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            if (run != null && run.cancellationApplies()) {
                throw run.cancellationException();
            }
            throw new TaskCancelledException("interrupted while waiting for " + what);
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
