/*
 * Python idiom: asyncio -- asyncio.run, create_task, gather, TaskGroup, timeout, to_thread.
 *
 *     async def fetch(key):
 *         await asyncio.sleep(0.02)                          # waits without holding the loop
 *         return key.upper()
 *
 *     async def main():
 *         a = asyncio.create_task(fetch("a"))               # starts now, runs while main goes on
 *         results = await asyncio.gather(*(fetch(k) for k in keys))
 *         async with asyncio.TaskGroup() as tg:             # structured: the block ends when every task has
 *             parts = [tg.create_task(parse(s)) for s in chunks]
 *         try:
 *             async with asyncio.timeout(0.05):             # or asyncio.wait_for(slow(), 0.05)
 *                 await slow()
 *         except TimeoutError: ...                           # slow() was cancelled, not only abandoned
 *         text = await asyncio.to_thread(blocking_read)     # blocking code off the loop
 *
 *     asyncio.run(main())
 *
 * In Spindle: an EventLoop is the loop; an async function is an AsyncTask returning a CompletionStage; await is
 * thenCompose/thenApply; create_task is loop.submitAsync(); gather is CompletableFuture.allOf over the tasks' futures;
 * a TaskGroup is joined from loop code with joinAsync() (a blocking join() on the loop thread throws at once instead
 * of freezing the loop); a timeout is TaskOptions.withTimeout() on a task or TaskGroup.withTimeout() on a group, and
 * it cancels the work; to_thread is loop.toThread(). EventLoop.run(main) is asyncio.run(main()).
 */
package dev.spindle.examples;

import dev.spindle.DeadlineExceededException;
import dev.spindle.GroupTimeoutException;
import dev.spindle.Spindle;
import dev.spindle.TaskCancelledException;
import dev.spindle.TaskExecutor;
import dev.spindle.TaskGroup;
import dev.spindle.TaskHandle;
import dev.spindle.TaskOptions;
import dev.spindle.TaskState;
import dev.spindle.eventloop.EventLoop;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.stream.IntStream;

/** Python's {@code asyncio} in Spindle: see the comment at the top of the file. */
public final class AsyncioExample {

    /**
     * What the example saw, for its test.
     *
     * @param hello what {@code EventLoop.run} returned
     * @param created the result of the task started with {@code submitAsync}
     * @param gathered the results of {@code gather}, in argument order
     * @param groupTotal the sum computed by the task group's tasks
     * @param taskTimeout what the task with a timeout failed with
     * @param groupTimeout what the group with a timeout failed with
     * @param afterGroupTimeout the states of that group's tasks
     * @param toThread what {@code toThread} returned, and whether it ran on a virtual thread
     */
    record Outcome(String hello, String created, List<String> gathered, int groupTotal, Throwable taskTimeout,
            Throwable groupTimeout, List<TaskState> afterGroupTimeout, String toThread) {
    }

    private AsyncioExample() {
    }

    /**
     * @param args optional: how many fetches {@code gather} waits for (default 5)
     * @throws Exception if the example fails
     */
    public static void main(String[] args) throws Exception {
        run(args, System.out);
    }

    /**
     * @param args optional: how many fetches {@code gather} waits for (default 5)
     * @param out where to print
     * @return what happened
     */
    static Outcome run(String[] args, PrintStream out) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 5;

        // asyncio.run(main()): a loop of its own, closed when main's stage completes
        String hello = EventLoop.run(() -> CompletableFuture.completedFuture("hello from the loop"));
        out.println("asyncio.run      -> " + hello);

        // The rest shares one loop, and a virtual-thread executor for the blocking tasks of the group timeout.
        try (EventLoop loop = EventLoop.create("asyncio-example");
                TaskExecutor blocking = Spindle.builder("asyncio-example-blocking").backend("virtual").build()) {

            // a = asyncio.create_task(fetch("a")); ... await a
            TaskHandle<String> a = loop.submitAsync(() -> fetch(loop, "a"), TaskOptions.named("fetch-a"));
            String created = a.join(); // from outside the loop, a blocking join is fine
            out.println("create_task      -> " + created);

            // results = await asyncio.gather(fetch("k0"), fetch("k1"), ...): all at once, results in argument order
            List<String> gathered = loop.submitAsync(() -> {
                List<CompletableFuture<String>> tasks = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    String key = "k" + i;
                    tasks.add(loop.submitAsync(() -> fetch(loop, key)).toCompletableFuture());
                }
                return CompletableFuture.allOf(tasks.toArray(CompletableFuture[]::new))
                        .thenApply(v -> tasks.stream().map(CompletableFuture::join).toList());
            }).join();
            out.println("gather           -> " + gathered);

            // async with asyncio.TaskGroup() as tg: tg.create_task(parse(s)) for each chunk -- joined without blocking
            int groupTotal = loop.submitAsync(() -> {
                TaskGroup tg = TaskGroup.open(loop).named("parse");
                List<TaskHandle<Integer>> parts = new ArrayList<>();
                for (String chunk : List.of("1 2 3", "4 5", "6")) {
                    parts.add(tg.fork(() -> parse(chunk))); // each task is one short step on the loop
                }
                return tg.joinAsync().thenApply(v -> parts.stream().mapToInt(TaskHandle::resultNow).sum());
            }).join();
            out.println("TaskGroup        -> sum of parsed chunks = " + groupTotal);

            // async with asyncio.timeout(0.05): await slow()  -- the task is cancelled when its time is up
            TaskHandle<String> slow = loop.submitAsync(
                    () -> loop.sleep(Duration.ofSeconds(60)).thenApply(v -> "too late"),
                    TaskOptions.named("slow").withTimeout(Duration.ofMillis(50)));
            Throwable taskTimeout = failureOf(slow);
            out.println("timeout (task)   -> " + describe(taskTimeout) + "; task " + slow.taskState());

            // the same for a whole group, from loop code: its blocking tasks run on virtual threads and are interrupted
            List<TaskHandle<Integer>> sleepers = new ArrayList<>();
            Throwable groupTimeout = failureOf(loop.submitAsync(() -> {
                TaskGroup tg = TaskGroup.open(blocking).named("sleepers").withTimeout(Duration.ofMillis(50));
                IntStream.range(0, 3).forEach(i -> sleepers.add(tg.fork(() -> sleepFor(Duration.ofSeconds(60)))));
                return tg.joinAsync();
            }));
            List<TaskState> afterGroupTimeout = sleepers.stream().map(TaskHandle::taskState).toList();
            out.println("timeout (group)  -> " + describe(groupTimeout) + "; tasks " + afterGroupTimeout);

            // text = await asyncio.to_thread(blocking_read): the loop keeps running other steps meanwhile
            String toThread = loop.submitAsync(() -> loop.toThread(() -> {
                Thread.sleep(20); // a blocking call: a file read, JDBC, a legacy client
                return "read on " + (Thread.currentThread().isVirtual() ? "a virtual thread" : "a platform thread");
            })).join();
            out.println("to_thread        -> " + toThread);

            return new Outcome(hello, created, gathered, groupTotal, taskTimeout, groupTimeout, afterGroupTimeout,
                    toThread);
        }
    }

    /** {@code async def fetch(key): await asyncio.sleep(0.02); return key.upper()} */
    private static CompletionStage<String> fetch(EventLoop loop, String key) {
        return loop.sleep(Duration.ofMillis(20)).thenApply(v -> key.toUpperCase(Locale.ROOT));
    }

    private static int parse(String chunk) {
        int sum = 0;
        for (String number : chunk.split(" ")) {
            sum += Integer.parseInt(number);
        }
        return sum;
    }

    private static Integer sleepFor(Duration d) throws InterruptedException {
        Thread.sleep(d.toMillis());
        return 0;
    }

    /** Joins {@code handle} and returns what it failed with, or {@code null} if it succeeded. */
    private static Throwable failureOf(TaskHandle<?> handle) {
        try {
            handle.join();
            return null;
        } catch (TaskCancelledException e) {
            return e; // DeadlineExceededException is a TaskCancelledException: the time was up
        } catch (RuntimeException e) {
            return e.getCause() instanceof CompletionException c && c.getCause() != null ? c.getCause()
                    : e.getCause() != null ? e.getCause() : e;
        }
    }

    private static String describe(Throwable t) {
        if (t == null) {
            return "no timeout?";
        }
        String kind = t instanceof DeadlineExceededException ? "DeadlineExceededException"
                : t instanceof GroupTimeoutException ? "GroupTimeoutException" : t.getClass().getSimpleName();
        return kind + " (" + t.getMessage() + ")";
    }
}
