/*
 * Python idiom: a race condition and its fix with threading.Lock.
 *
 *     counter = 0
 *     def work():
 *         global counter
 *         for _ in range(N):
 *             value = counter      # read
 *             time.sleep(0)        # another thread runs here...
 *             counter = value + 1  # ...and this write overwrites its increment: a lost update
 *
 *     lock = threading.Lock()
 *     def safe_work():
 *         global counter
 *         for _ in range(N):
 *             with lock:           # read-modify-write as one step
 *                 counter += 1
 *
 * In Spindle the tasks run on a "threads" executor and the lock is a Mutex. Java adds a second way to lose updates
 * that Python's GIL hides: without a lock (or a volatile/atomic field), a thread may not even see the others'
 * writes. For a plain counter, AtomicLong or LongAdder is the better tool; the Mutex stands for any critical section
 * that updates more than one value.
 */
package dev.spindle.examples;

import dev.spindle.Spindle;
import dev.spindle.TaskExecutor;
import dev.spindle.TaskGroup;
import dev.spindle.lock.Held;
import dev.spindle.lock.Mutex;
import java.io.PrintStream;

/** A lost-update race and its fix: see the comment at the top of the file. */
@SuppressWarnings("try") // try (Held h = lock.acquire()) is `with lock:`; the body need not use h
public final class RaceConditionExample {

    /**
     * What the example saw, for its test.
     *
     * @param expected tasks times increments
     * @param racy the total without a lock: at most {@code expected}, usually less
     * @param fixed the total with the mutex: always {@code expected}
     */
    record Outcome(long expected, long racy, long fixed) {
    }

    /** A counter with a plain field: neither atomic nor volatile, on purpose. */
    private static final class Counter {
        long value;
    }

    private RaceConditionExample() {
    }

    /**
     * @param args optional: how many tasks (default 8) and how many increments each (default 20000)
     * @throws Exception if the example fails
     */
    public static void main(String[] args) throws Exception {
        run(args, System.out);
    }

    /**
     * @param args optional: how many tasks (default 8) and how many increments each (default 20000)
     * @param out where to print
     * @return what happened
     */
    static Outcome run(String[] args, PrintStream out) {
        int tasks = args.length > 0 ? Integer.parseInt(args[0]) : 8;
        int increments = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
        long expected = (long) tasks * increments;

        try (TaskExecutor executor = Spindle.builder("race-example").backend("threads").parallelism(tasks).build()) {
            Counter racy = new Counter();
            runAll(executor, tasks, () -> {
                for (int i = 0; i < increments; i++) {
                    long value = racy.value; // read
                    Thread.yield();          // time.sleep(0): let another thread in between
                    racy.value = value + 1;  // write: may overwrite increments made meanwhile
                }
            });
            out.printf("without a lock: %,d of %,d increments (%,d lost)%n", racy.value, expected,
                    expected - racy.value);

            Counter safe = new Counter();
            Mutex lock = new Mutex("counter");
            runAll(executor, tasks, () -> {
                for (int i = 0; i < increments; i++) {
                    try (Held held = lock.acquire()) { // with lock: read, add and write as one step
                        safe.value++;
                    }
                }
            });
            long fixed;
            try (Held held = lock.acquire()) { // reading under the lock also makes every write visible
                fixed = safe.value;
            }
            out.printf("with a Mutex:   %,d of %,d increments%n", fixed, expected);
            return new Outcome(expected, racy.value, fixed);
        }
    }

    /** Runs {@code tasks} copies of {@code body} at once and waits for all of them. */
    private static void runAll(TaskExecutor executor, int tasks, Runnable body) {
        try (TaskGroup group = TaskGroup.open(executor)) {
            for (int t = 0; t < tasks; t++) {
                group.fork(() -> {
                    body.run();
                    return null;
                });
            }
            group.join(); // also makes the tasks' writes visible here: a task's end happens-before join returns
        }
    }
}
