package dev.spindle.examples;

import dev.spindle.Task;
import dev.spindle.TaskExecutor;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A workload of the showcase: {@link #units()} independent tasks whose results add up to a checksum. The same
 * workload runs on every backend; {@link #runUnit} is also called on its own, serially, to profile one task.
 */
interface Workload {

    /** @return a short name for the table, e.g. {@code "io"} */
    String name();

    /** @return one line saying what the workload does */
    String description();

    /** @return how many tasks the workload consists of */
    int units();

    /**
     * @param cores the processors available
     * @return the parallelism to ask of a backend with a pool
     */
    int parallelism(int cores);

    /**
     * The work of one task.
     *
     * @param index which task, from 0 to {@code units() - 1}
     * @return its share of the checksum
     * @throws Exception if the work failed
     */
    long runUnit(int index) throws Exception;

    /**
     * Runs every task on {@code executor} and adds up their results.
     *
     * @param executor where the tasks run
     * @param meter wraps each task: times it and reports progress
     * @return the checksum
     * @throws Exception if a task failed
     */
    long runOn(TaskExecutor executor, Meter meter) throws Exception;

    /**
     * Wraps each task of a run: notes when the first task started and the last one ended, and counts each task as a
     * progress step. What a run does before the first task starts and after the last one ends (opening the group,
     * adding up results) is its serial part: no number of threads shortens it. Thread-safe.
     */
    final class Meter {
        private final AtomicLong firstStart = new AtomicLong(Long.MAX_VALUE);
        private final AtomicLong lastEnd = new AtomicLong(Long.MIN_VALUE);
        private final Runnable onDone;

        /** @param onDone called after each task, on the task's thread */
        Meter(Runnable onDone) {
            this.onDone = onDone;
        }

        /**
         * @param work the task's work
         * @return what it returned
         * @throws Exception what it threw
         */
        long time(Task<Long> work) throws Exception {
            firstStart.accumulateAndGet(System.nanoTime(), Math::min);
            try {
                return work.call();
            } finally {
                lastEnd.accumulateAndGet(System.nanoTime(), Math::max);
                onDone.run();
            }
        }

        /**
         * Counts a result that arrived from a task this meter could not wrap (one that ran in another JVM): the run's
         * start stands for its first task's start, and the arrival for the task's end.
         *
         * @param result the task's result
         * @return {@code result}
         */
        long arrived(long result) {
            lastEnd.accumulateAndGet(System.nanoTime(), Math::max);
            onDone.run();
            return result;
        }

        /**
         * @param runStart {@link System#nanoTime()} when the run began
         * @param runEnd {@link System#nanoTime()} when it ended
         * @return the run's time before its first task started plus after its last task ended
         */
        long serialNanos(long runStart, long runEnd) {
            long first = firstStart.get();
            long last = lastEnd.get();
            if (last == Long.MIN_VALUE) {
                return runEnd - runStart; // no task ran
            }
            if (first == Long.MAX_VALUE) {
                first = runStart; // results arrived from tasks this meter did not wrap: see arrived()
            }
            return Math.max(0, first - runStart) + Math.max(0, runEnd - last);
        }
    }
}
