package dev.spindle;

import dev.spindle.internal.CancelScope;
import dev.spindle.internal.Current;
import dev.spindle.spi.TaskRun;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Lets running task code cooperate with cancellation and deadlines. Every method looks at the task running on the
 * current thread; on a thread that runs no Spindle task they report "not cancelled" and "no deadline".
 *
 * <p>Spindle also interrupts the thread of a cancelled task, so blocking calls ({@code sleep}, {@code wait},
 * {@code BlockingQueue.take}, interruptible I/O) end with {@link InterruptedException}; let it propagate. CPU-bound
 * loops should call {@link #check()} now and then.
 *
 * <p>All methods are thread-safe.
 */
public final class Cancellation {

    private Cancellation() {
    }

    /**
     * Throws if the current task was cancelled (and the code is not {@linkplain #shielded shielded}). Cheap: one
     * thread-local read and one volatile read.
     *
     * @throws TaskCancelledException if the current task was cancelled; {@link DeadlineExceededException} if by its
     *     deadline
     */
    public static void check() {
        TaskRun<?> run = Current.run();
        if (run != null && run.cancellationApplies()) {
            throw run.cancellationException();
        }
    }

    /** @return whether the current task was cancelled and the code is not shielded */
    public static boolean isCancelled() {
        TaskRun<?> run = Current.run();
        return run != null && run.cancellationApplies();
    }

    /**
     * @return the time left until the current task's deadline (its own or inherited from its groups); empty if it
     *     has none, or inside {@link #shielded}
     */
    public static Optional<Duration> remaining() {
        TaskRun<?> run = Current.run();
        if (run == null || run.isShielded()) {
            return Optional.empty();
        }
        long d = run.effectiveDeadlineNanos();
        if (d == CancelScope.NO_DEADLINE) {
            return Optional.empty();
        }
        return Optional.of(Duration.ofNanos(Math.max(0, d - System.nanoTime())));
    }

    /**
     * Runs cleanup that cancellation must not interrupt (Python's {@code asyncio.shield} for cleanup): inside,
     * {@link #check()} does not throw, the thread is not interrupted, and task groups opened inside are not
     * cancelled with the enclosing task. A cancellation that arrives meanwhile is delivered (as an interrupt) when
     * {@code task} returns. Keep shielded code short: it delays cancellation of the task.
     *
     * @param task the cleanup
     * @param <T> its result type
     * @return what {@code task} returned
     * @throws Exception what {@code task} threw
     */
    public static <T> T shielded(Task<T> task) throws Exception {
        Objects.requireNonNull(task, "task");
        TaskRun<?> run = Current.run();
        if (run == null) {
            return task.call();
        }
        run.enterShield();
        try {
            return task.call();
        } finally {
            run.exitShield();
        }
    }
}
