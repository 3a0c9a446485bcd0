package dev.spindle.process;

import java.time.Duration;

/**
 * How far ahead a pool sends tasks to a busy worker. One task at a time while the worker's tasks are long or unknown,
 * or the one it runs has been running for {@code aheadNanos} already; otherwise as many as make about
 * {@code aheadNanos} of its recent tasks (at least 2, at most {@code max}). Then a worker runs tiny tasks one after the
 * other, their round trips overlap and their frames travel many per write, while what waits in one worker when
 * another might take it stays short. Immutable.
 *
 * @param max the most tasks in flight to one worker (1: one at a time)
 * @param aheadNanos about how much work, by the worker's recent tasks, may wait in it; positive
 */
record Pipeline(int max, long aheadNanos) {

    Pipeline {
        if (max < 1) {
            throw new IllegalArgumentException("pipeline max " + max + " must be at least 1");
        }
        if (aheadNanos <= 0) {
            throw new IllegalArgumentException("pipelineAhead " + aheadNanos + " ns must be positive");
        }
    }

    static Pipeline of(int max, Duration ahead) {
        long nanos;
        try {
            nanos = ahead.toNanos();
        } catch (ArithmeticException e) {
            nanos = Long.MAX_VALUE;
        }
        return new Pipeline(max, nanos);
    }

    /** Whether a busy worker may ever be sent more tasks. */
    boolean pipelines() {
        return max > 1;
    }

    /**
     * @param meanTaskNanos the worker's recent tasks' mean cost, estimated from round trips ({@code Long.MAX_VALUE}:
     *     unknown)
     * @param runningNanos how long the task it runs has been running
     * @return how many tasks may be in flight to the worker, 1 to {@link #max}
     */
    int room(long meanTaskNanos, long runningNanos) {
        if (max == 1 || meanTaskNanos == Long.MAX_VALUE || meanTaskNanos >= aheadNanos || runningNanos >= aheadNanos) {
            return 1;
        }
        return (int) Math.max(2, Math.min(max, aheadNanos / Math.max(1, meanTaskNanos)));
    }
}
