package dev.spindle;

import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.stream.Stream;

/**
 * Runs tasks on a backend chosen by configuration: Python's {@code ThreadPoolExecutor}, {@code ProcessPoolExecutor}
 * and {@code multiprocessing.Pool} behind one interface. Obtain one from {@link Spindle#executor(String)} or
 * {@link Spindle#builder(String)}.
 *
 * <p>Life cycle: {@link #close()} stops accepting work from outside, waits for everything already accepted (tasks
 * that are running may still fork into their groups), then stops the backend's threads. {@link #shutdownNow()}
 * cancels every task and returns promptly. Submitting after either throws
 * {@link java.util.concurrent.RejectedExecutionException}.
 *
 * <p>Failures are never lost: a task that failed and that nobody joined is logged at WARN when the executor closes.
 *
 * <p>Implementations are thread-safe.
 */
public interface TaskExecutor extends Executor, AutoCloseable {

    /**
     * @param task the work
     * @param <T> the result type
     * @return a handle to join, query or cancel the task
     * @throws java.util.concurrent.RejectedExecutionException if the executor is closed
     */
    <T> TaskHandle<T> submit(Task<T> task);

    /**
     * @param task the work
     * @param options its name and time limit
     * @param <T> the result type
     * @return a handle to join, query or cancel the task
     * @throws java.util.concurrent.RejectedExecutionException if the executor is closed
     */
    <T> TaskHandle<T> submit(Task<T> task, TaskOptions options);

    /**
     * Applies {@code fn} to every item in parallel and returns the results in item order (Python's
     * {@code Pool.map}). Items are grouped in chunks so that each task does enough work to pay for its dispatch.
     * The first failure cancels the remaining items and is thrown as {@link TaskFailedException} naming the item's
     * index.
     *
     * @param fn the function
     * @param items the items; read once, before any work starts
     * @param <T> the item type
     * @param <R> the result type
     * @return the results, in item order
     * @throws TaskFailedException if {@code fn} threw for some item
     */
    <T, R> List<R> map(TaskFunction<T, R> fn, Iterable<T> items);

    /**
     * Applies {@code fn} to the items lazily, keeping at most {@code options.maxInFlight()} items in flight (Python's
     * {@code imap} and {@code imap_unordered}). Items are read from {@code items} only as results are consumed, so an
     * endless iterable is fine. A failure is thrown as {@link TaskFailedException} (with the item's index) from the
     * stream's terminal operation, and the items in flight are cancelled. Closing the stream cancels the items in
     * flight; use try-with-resources when you may stop early.
     *
     * @param fn the function
     * @param items the items
     * @param options order and bound
     * @param <T> the item type
     * @param <R> the result type
     * @return a sequential stream of results
     */
    <T, R> Stream<R> mapStreaming(TaskFunction<T, R> fn, Iterable<T> items, MapOptions options);

    /**
     * Runs a {@link Runnable} as a task. A failure nobody observes is logged when the executor closes.
     *
     * @param command the work
     */
    @Override
    void execute(Runnable command);

    /** @return counters and latency percentiles */
    ExecutorStats stats();

    /** @return the backend's name, e.g. {@code "forkjoin"} */
    String backend();

    /** @return the executor's name from configuration, e.g. {@code "default"} or {@code "io"} */
    String name();

    /** @return how many tasks this executor runs at once at most (its threads, or its workers) */
    int parallelism();

    /**
     * Python's {@code pool.close(); pool.join()}: accepts no more work from outside, waits for all accepted work to
     * finish, then stops the backend. Idempotent.
     */
    @Override
    void close();

    /**
     * Python's {@code pool.terminate()}: cancels every task (pending ones never start, running ones are
     * interrupted), accepts no more work, and returns without waiting for the tasks to notice.
     */
    void shutdownNow();

    /** @return whether {@link #close()} or {@link #shutdownNow()} was called */
    boolean isShutdown();

    /**
     * @return a view for code that expects {@link ExecutorService}; its futures are {@link TaskHandle}s, so
     *     {@code cancel} reaches the work
     */
    ExecutorService asExecutorService();
}
