/*
 * Python idiom: multiprocessing.Pool -- apply_async/get, map with chunks, imap_unordered, close/join vs terminate.
 *
 *     with Pool(processes=4) as pool:
 *         result = pool.apply_async(square, (7,))
 *         result.get(timeout=1)                              # 49, or the task's exception re-raised
 *         pool.map(square, range(100), chunksize=7)          # ordered; items travel in chunks
 *         for r in pool.imap_unordered(slow_echo, items):    # lazily, in completion order
 *             ...
 *     pool.close(); pool.join()      # no new work, wait for what was accepted
 *     pool.terminate()               # stop now: pending work is dropped, workers are killed
 *
 * In Spindle the pool is a TaskExecutor: apply_async is submit(), AsyncResult.get(timeout) is get(Duration), map()
 * chunks by itself (about four chunks per worker, as Python's default chunksize), imap/imap_unordered are
 * mapStreaming() with MapOptions.ordered()/unordered() and a bound on the items in flight, close() is close()+join(),
 * and terminate() is shutdownNow(): every task is cancelled, running ones are interrupted. Unlike Pool.map, a task
 * that fails fails only itself and map() says which item it was.
 *
 * This example runs on the "threads" backend; the same code runs on "forkjoin" for CPU-bound work, and on the
 * "process" backend (child JVMs, like Python's worker processes) with SerializableTasks.
 */
package dev.spindle.examples;

import dev.spindle.MapOptions;
import dev.spindle.Spindle;
import dev.spindle.TaskExecutor;
import dev.spindle.TaskHandle;
import dev.spindle.TaskState;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/** Python's {@code multiprocessing.Pool} in Spindle: see the comment at the top of the file. */
public final class PoolExample {

    /**
     * What the example saw, for its test.
     *
     * @param applied the result of {@code apply_async(...).get(timeout)}
     * @param squares the result of {@code map}, in item order
     * @param mapTasks how many tasks {@code map} submitted for its items (fewer than the items: chunks)
     * @param firstOfEndless the first results of {@code imap} over an endless input
     * @param unordered the results of {@code imap_unordered}, in completion order
     * @param afterClose the states of the tasks accepted before {@code close()}, after it returned
     * @param rejectedAfterClose whether submitting after {@code close()} was refused
     * @param afterTerminate the states of the tasks after {@code shutdownNow()}
     * @param terminateTook how long {@code shutdownNow()} took, with every task asleep for a minute
     */
    record Outcome(int applied, List<Integer> squares, long mapTasks, List<Integer> firstOfEndless,
            List<Integer> unordered, List<TaskState> afterClose, boolean rejectedAfterClose,
            List<TaskState> afterTerminate, Duration terminateTook) {
    }

    private PoolExample() {
    }

    /**
     * @param args optional: how many items to map (default 100)
     * @throws Exception if the example fails
     */
    public static void main(String[] args) throws Exception {
        run(args, System.out);
    }

    /**
     * @param args optional: how many items to map (default 100)
     * @param out where to print
     * @return what happened
     * @throws Exception if the example fails
     */
    static Outcome run(String[] args, PrintStream out) throws Exception {
        int items = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        int applied;
        List<Integer> squares;
        long mapTasks;
        List<Integer> firstOfEndless;
        List<Integer> unordered;
        List<TaskHandle<Integer>> accepted = new ArrayList<>();
        boolean rejected = false;

        // with Pool(processes=4) as pool:
        TaskExecutor pool = Spindle.builder("pool-example").backend("threads").parallelism(4).build();
        try {
            // result = pool.apply_async(square, (7,)); result.get(timeout=1)
            TaskHandle<Integer> result = pool.submit(() -> square(7));
            try {
                applied = result.get(Duration.ofSeconds(30));
            } catch (TimeoutException e) {
                throw new IllegalStateException("square(7) took more than 30 s", e);
            }
            out.println("apply_async(square, 7).get()  -> " + applied);

            // pool.map(square, range(n)): ordered; map() picks the chunk size as Python does by default
            long before = pool.stats().submitted();
            squares = pool.map(PoolExample::square, IntStream.range(0, items).boxed().toList());
            mapTasks = pool.stats().submitted() - before;
            out.println("map(square, range(" + items + "))      -> " + preview(squares) + " (" + items + " items in "
                    + mapTasks + " chunk tasks)");

            // pool.imap(square, itertools.count()): lazy and bounded, so an endless input is fine
            try (Stream<Integer> lazy = pool.mapStreaming(PoolExample::square, PoolExample::naturals,
                    MapOptions.ordered().withMaxInFlight(8))) {
                firstOfEndless = lazy.limit(5).toList(); // closing the stream cancels the items still in flight
            }
            out.println("imap(square, count()) first 5 -> " + firstOfEndless);

            // pool.imap_unordered(slow_echo, [40, 10, 30, 20]): results as they complete
            try (Stream<Integer> any = pool.mapStreaming(PoolExample::slowEcho, List.of(40, 10, 30, 20),
                    MapOptions.unordered())) {
                unordered = any.toList();
            }
            out.println("imap_unordered(slow_echo, [40, 10, 30, 20]) -> " + unordered + " (completion order)");

            // pool.close(); pool.join(): what was accepted still runs to its end
            for (int i = 0; i < 4; i++) {
                int ms = 10 * (i + 1);
                accepted.add(pool.submit(() -> slowEcho(ms)));
            }
        } finally {
            pool.close();
        }
        List<TaskState> afterClose = accepted.stream().map(TaskHandle::taskState).toList();
        try {
            pool.submit(() -> 1);
        } catch (RejectedExecutionException e) { // Python: ValueError("Pool not running")
            rejected = true;
        }
        out.println("close()+join(): accepted tasks " + afterClose + "; submit afterwards refused: " + rejected);

        // pool.terminate(): stop now, whatever is running or queued
        TaskExecutor doomed = Spindle.builder("pool-example-terminate").backend("threads").parallelism(2).build();
        List<TaskHandle<Integer>> sleepers = new ArrayList<>();
        for (int i = 0; i < 6; i++) { // 2 run, 4 wait in the queue
            sleepers.add(doomed.submit(() -> slowEcho(60_000)));
        }
        long start = System.nanoTime();
        doomed.shutdownNow();
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        List<TaskState> afterTerminate = sleepers.stream().map(TaskHandle::taskState).toList();
        out.println("terminate(): returned after " + took.toMillis() + " ms; tasks " + afterTerminate);

        return new Outcome(applied, squares, mapTasks, firstOfEndless, unordered, afterClose, rejected,
                afterTerminate, took);
    }

    private static int square(int x) {
        return x * x;
    }

    private static int slowEcho(int millis) throws InterruptedException {
        Thread.sleep(millis); // stands in for work that takes this long; interrupted by shutdownNow()
        return millis;
    }

    private static Iterator<Integer> naturals() {
        return Stream.iterate(0, i -> i + 1).iterator();
    }

    private static String preview(List<Integer> values) {
        return values.size() <= 6 ? values.toString()
                : values.subList(0, 5).toString().replace("]", ", ... " + values.get(values.size() - 1) + "]");
    }
}
