/*
 * Python idiom: concurrent.futures.ThreadPoolExecutor -- submit() / Future.result() and Executor.map().
 *
 *     with ThreadPoolExecutor(max_workers=4) as pool:
 *         futures = [pool.submit(slow_square, n) for n in range(10)]
 *         squares = [f.result() for f in futures]       # re-raises the task's exception
 *         try:
 *             pool.submit(time.sleep, 60).result(timeout=0.05)
 *         except TimeoutError: ...                       # the sleep goes on: Future.cancel() cannot stop it
 *         lengths = list(pool.map(len, words))           # results in input order
 *
 * In Spindle the pool is a TaskExecutor on the "threads" backend, a future is a TaskHandle, result() is join(),
 * result(timeout) is get(Duration) -- and cancel() does stop a running task: its thread is interrupted.
 */
package dev.spindle.examples;

import dev.spindle.Spindle;
import dev.spindle.TaskExecutor;
import dev.spindle.TaskFailedException;
import dev.spindle.TaskHandle;
import dev.spindle.TaskOptions;
import dev.spindle.TaskState;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.stream.IntStream;

/** Python's {@code concurrent.futures.ThreadPoolExecutor} in Spindle: see the comment at the top of the file. */
public final class ThreadPoolExample {

    /**
     * What the example saw, for its test.
     *
     * @param squares the results of the submitted tasks, in submission order
     * @param lengths the results of {@code map}, in item order
     * @param failure what {@code join} threw for the task that failed
     * @param timedOut whether waiting with a timeout gave up
     * @param slowTaskState the state of the slow task after {@code cancel()}
     */
    record Outcome(List<Integer> squares, List<Integer> lengths, TaskFailedException failure, boolean timedOut,
            TaskState slowTaskState) {
    }

    private static final List<String> WORDS = List.of("the", "quick", "brown", "fox", "jumps", "over", "the", "lazy",
            "dog");

    private ThreadPoolExample() {
    }

    /**
     * @param args optional: how many numbers to square (default 10)
     * @throws Exception if the example fails
     */
    public static void main(String[] args) throws Exception {
        run(args.length > 0 ? Integer.parseInt(args[0]) : 10, System.out);
    }

    static Outcome run(int count, PrintStream out) throws InterruptedException {
        // with ThreadPoolExecutor(max_workers=4) as pool:   -- close() at the end is shutdown(wait=True)
        try (TaskExecutor pool = Spindle.builder("thread-pool-example").backend("threads").parallelism(4).build()) {

            // futures = [pool.submit(slow_square, n) for n in range(count)]
            List<TaskHandle<Integer>> futures = new ArrayList<>();
            for (int n = 0; n < count; n++) {
                int x = n;
                futures.add(pool.submit(() -> slowSquare(x), TaskOptions.named("square-" + n)));
            }
            // squares = [f.result() for f in futures]
            List<Integer> squares = futures.stream().map(TaskHandle::join).toList();
            out.println("squares:  " + squares);

            // f.result() re-raises what the task raised; join() throws TaskFailedException with it as the cause
            TaskFailedException failure = null;
            try {
                pool.submit(() -> Integer.parseInt("forty-two"), TaskOptions.named("parse")).join();
            } catch (TaskFailedException e) {
                failure = e;
                out.println("failed:   " + e.getCause());
            }

            // f.result(timeout=0.05) gives up waiting; unlike Python, cancel() then stops the work itself
            TaskHandle<Integer> slow = pool.submit(() -> {
                Thread.sleep(60_000);
                return -1;
            }, TaskOptions.named("slow"));
            boolean timedOut = false;
            try {
                slow.get(Duration.ofMillis(50));
            } catch (TimeoutException e) {
                timedOut = true;
                slow.cancel(); // interrupts the sleeping thread: the pool does not wait 60 s when it closes
            }
            out.println("timeout:  " + timedOut + ", slow task is " + slow.taskState());

            // lengths = list(pool.map(len, words))   -- ordered; chunked like Pool.map(chunksize=...)
            List<String> words = IntStream.range(0, count).mapToObj(i -> WORDS.get(i % WORDS.size())).toList();
            List<Integer> lengths = pool.map(String::length, words);
            out.println("lengths:  " + lengths);

            return new Outcome(squares, lengths, failure, timedOut, slow.taskState());
        }
    }

    private static int slowSquare(int x) throws InterruptedException {
        Thread.sleep(10); // stands in for a blocking call: a request, a query, a file read
        return x * x;
    }
}
