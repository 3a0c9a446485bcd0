/*
 * Python idiom: asyncio.TaskGroup (Python 3.11+) -- structured fan-out/fan-in, fail fast, and a time limit.
 *
 *     async with asyncio.TaskGroup() as tg:
 *         a = tg.create_task(fetch("a"))
 *         b = tg.create_task(fetch("b"))
 *     print(a.result(), b.result())            # the block ends when every task has ended
 *
 *     try:
 *         async with asyncio.TaskGroup() as tg:
 *             tg.create_task(asyncio.sleep(10))
 *             tg.create_task(fail())            # raises: the sleeping sibling is cancelled
 *     except* ValueError as group: ...
 *
 *     async with asyncio.timeout(0.2):          # TimeoutError; the tasks inside are cancelled
 *         async with asyncio.TaskGroup() as tg: ...
 *
 * In Spindle: TaskGroup.open(executor), fork() for create_task(), join() where the async-with block ends; the first
 * failure cancels the siblings and join() throws TaskGroupException with it as the cause; withTimeout() is the
 * group's own asyncio.timeout and join() then throws GroupTimeoutException. Tasks are plain blocking code.
 */
package dev.spindle.examples;

import dev.spindle.GroupTimeoutException;
import dev.spindle.Spindle;
import dev.spindle.TaskExecutor;
import dev.spindle.TaskGroup;
import dev.spindle.TaskGroupException;
import dev.spindle.TaskHandle;
import dev.spindle.TaskState;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/** Python's {@code asyncio.TaskGroup} in Spindle: see the comment at the top of the file. */
public final class TaskGroupExample {

    /**
     * What the example saw, for its test.
     *
     * @param fetched the results of the group that succeeded
     * @param failFast what {@code join} threw for the group with a failing task
     * @param cancelledSibling the state of the slow sibling in that group
     * @param failFastTook how long that group took
     * @param timeout what {@code join} threw for the group that ran out of time
     * @param afterTimeout the states of that group's tasks
     */
    record Outcome(List<String> fetched, TaskGroupException failFast, TaskState cancelledSibling,
            Duration failFastTook, GroupTimeoutException timeout, List<TaskState> afterTimeout) {
    }

    private TaskGroupExample() {
    }

    /**
     * @param args none
     * @throws Exception if the example fails
     */
    public static void main(String[] args) throws Exception {
        run(System.out, Duration.ofSeconds(10), Duration.ofMillis(200));
    }

    /**
     * @param out where to print
     * @param slow how long the slow tasks would take if nothing cancelled them
     * @param groupTimeout the time limit of the third group
     * @return what happened
     */
    static Outcome run(PrintStream out, Duration slow, Duration groupTimeout) {
        // Every task here blocks, so each needs a thread of its own: a small "threads" pool. (The virtual backend,
        // when present, gives every task a virtual thread and needs no sizing.)
        try (TaskExecutor executor = Spindle.builder("task-group-example").backend("threads").parallelism(4).build()) {

            // 1. async with TaskGroup() as tg: a = tg.create_task(...); b = ...
            List<String> fetched;
            try (TaskGroup tg = TaskGroup.open(executor)) {
                TaskHandle<String> a = tg.fork(() -> fetch("a"));
                TaskHandle<String> b = tg.fork(() -> fetch("b"));
                TaskHandle<String> c = tg.fork(() -> fetch("c"));
                tg.join();
                fetched = List.of(a.join(), b.join(), c.join());
            }
            out.println("fetched:   " + fetched);

            // 2. fail fast: one task fails, its slow sibling is cancelled (interrupted), join() rethrows
            TaskGroupException failFast = null;
            TaskHandle<Void> sibling = null;
            long start = System.nanoTime();
            try (TaskGroup tg = TaskGroup.open(executor).named("fail-fast")) {
                sibling = tg.fork(() -> {
                    Thread.sleep(slow.toMillis());
                    return null;
                });
                tg.fork(() -> {
                    Thread.sleep(20);
                    throw new IllegalArgumentException("bad input");
                });
                tg.join();
            } catch (TaskGroupException e) {
                failFast = e;
            }
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            out.printf(Locale.ROOT, "fail fast: %s after %d ms; the slow sibling is %s%n",
                    failFast == null ? "no failure?" : failFast.getCause(), took.toMillis(), sibling.taskState());

            // 3. a time limit for the whole group: asyncio.timeout() around the TaskGroup
            GroupTimeoutException timeout = null;
            List<TaskHandle<Void>> sleepers = List.of();
            try (TaskGroup tg = TaskGroup.open(executor).named("with-timeout").withTimeout(groupTimeout)) {
                sleepers = List.of(tg.fork(() -> sleep(slow)), tg.fork(() -> sleep(slow)));
                tg.join();
            } catch (GroupTimeoutException e) {
                timeout = e;
            }
            List<TaskState> states = sleepers.stream().map(TaskHandle::taskState).toList();
            out.println("timeout:   " + (timeout == null ? "none?" : timeout.getMessage()) + "; tasks: " + states);

            return new Outcome(fetched, failFast, sibling.taskState(), took, timeout, states);
        }
    }

    private static String fetch(String key) throws InterruptedException {
        Thread.sleep(20); // stands in for a request
        return key.toUpperCase(Locale.ROOT);
    }

    private static Void sleep(Duration d) throws InterruptedException {
        Thread.sleep(d.toMillis());
        return null;
    }
}
