/*
 * Python idiom: the "cancellation thread" -- one watcher stops everything when a signal arrives.
 *
 *     stop = threading.Event()
 *     signal.signal(signal.SIGTERM, lambda *_: stop.set())     # and KeyboardInterrupt for Ctrl-C
 *
 *     def watcher():
 *         stop.wait()
 *         for f in futures:
 *             f.cancel()          # only stops what has not started; running work must poll `stop` itself
 *
 *     threading.Thread(target=watcher, daemon=True).start()
 *
 * In Spindle the work is a TaskGroup and the watcher cancels the group: tasks not started never start, running tasks
 * are interrupted and see Cancellation.check() throw, and cleanup inside Cancellation.shielded() runs to its end.
 * group.join() returns once every task has finished, so the program exits cleanly. The signal is a JVM shutdown hook
 * (Ctrl-C, SIGTERM): the hook sets an Event for the watcher, then waits for the work to wind down before the JVM
 * exits. No sun.misc.Signal is needed. Run it with java directly (under Maven, Ctrl-C also stops Maven, which may
 * drop the last lines) and press Ctrl-C, or send SIGTERM:
 *
 *     ./mvnw -q -pl examples -am package -DskipTests dependency:build-classpath \
 *         -Dmdep.outputFile="$PWD/examples/target/cp.txt"
 *     java -cp "examples/target/classes:$(cat examples/target/cp.txt)" \
 *         dev.spindle.examples.CancellationThreadExample --workers 4
 */
package dev.spindle.examples;

import dev.spindle.Cancellation;
import dev.spindle.Spindle;
import dev.spindle.TaskCancelledException;
import dev.spindle.TaskExecutor;
import dev.spindle.TaskGroup;
import dev.spindle.TaskHandle;
import dev.spindle.TaskState;
import dev.spindle.lock.Event;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** The "cancellation thread" pattern in Spindle: see the comment at the top of the file. */
public final class CancellationThreadExample {

    /**
     * What the example saw, for its test.
     *
     * @param signalled whether the signal arrived before the work ended on its own
     * @param workers the states of the workers after the group ended
     * @param steps how many steps the workers did in all
     * @param cleanedUp how many workers ran their cleanup to its end
     * @param took how long the group took from its first fork
     */
    record Outcome(boolean signalled, List<TaskState> workers, long steps, int cleanedUp, Duration took) {
    }

    private static final Duration STEP = Duration.ofMillis(20);

    private CancellationThreadExample() {
    }

    /**
     * Runs until Ctrl-C or SIGTERM (or {@code --steps}/{@code --stop-after-ms}), then shuts down cleanly.
     *
     * @param args {@code [--workers N] [--steps N] [--stop-after-ms N]}
     * @throws Exception if the example fails
     */
    public static void main(String[] args) throws Exception {
        Event signal = new Event();
        CountDownLatch finished = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            signal.set(); // tell the watcher; it cancels the group
            try {
                // The JVM exits once the hooks return: give the tasks time to run their cleanup first.
                finished.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "cancellation-example-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            run(args, System.out, signal);
        } finally {
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook); // ended on its own: the hook has nothing to do
            } catch (IllegalStateException shuttingDown) {
                // the hook is running: it returns now that the work has finished
            }
        }
    }

    /**
     * @param args {@code [--workers N] [--steps N] [--stop-after-ms N]}
     * @param out where to print
     * @return what happened
     */
    static Outcome run(String[] args, PrintStream out) {
        return run(args, out, new Event());
    }

    /**
     * @param args {@code [--workers N] [--steps N] [--stop-after-ms N]}: how many workers (default 4), how many
     *     20 ms steps each does before it ends on its own (default: no end), and after how long to signal itself
     *     (default: never; wait for {@code signal})
     * @param out where to print
     * @param signal the signal: setting it cancels the work
     * @return what happened
     */
    static Outcome run(String[] args, PrintStream out, Event signal) {
        int workers = intFlag(args, "--workers", 4);
        long stepsEach = intFlag(args, "--steps", -1);
        long stopAfterMillis = intFlag(args, "--stop-after-ms", -1);

        AtomicLong steps = new AtomicLong();
        AtomicInteger cleanedUp = new AtomicInteger();
        CountDownLatch running = new CountDownLatch(workers);
        List<TaskHandle<Void>> handles = new ArrayList<>();
        long start = System.nanoTime();
        try (TaskExecutor executor = Spindle.builder("cancellation-example").backend("threads")
                .parallelism(workers).build();
                TaskGroup group = TaskGroup.open(executor).named("workers")) {

            // the cancellation thread: waits for the signal, then cancels the whole group
            Thread watcher = Thread.ofPlatform().name("cancellation-watcher").daemon().start(() -> {
                try {
                    signal.await();
                } catch (TaskCancelledException interrupted) {
                    return; // the work ended on its own and main stopped the watcher
                }
                out.println("signal: cancelling the workers");
                group.cancel();
            });
            for (int w = 0; w < workers; w++) {
                int id = w;
                handles.add(group.fork(() -> work(id, stepsEach, steps, cleanedUp, running)));
            }
            if (stopAfterMillis >= 0) {
                Thread.ofPlatform().daemon().name("cancellation-example-timer").start(() -> {
                    if (!signal.await(Duration.ofMillis(stopAfterMillis))) {
                        signal.set();
                    }
                });
            }
            try {
                while (!running.await(20, TimeUnit.MILLISECONDS)) {
                    if (signal.isSet()) {
                        break; // cancelled before every worker started: those never start
                    }
                }
                if (running.getCount() == 0) {
                    out.println(workers + " workers running; press Ctrl-C (or send SIGTERM) to stop them");
                }
                group.join(); // returns when every worker has finished, cleanup included
                out.println("the workers finished on their own");
            } catch (TaskCancelledException e) {
                out.println("the group was cancelled: " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                watcher.interrupt();
            }
        }
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        List<TaskState> states = handles.stream().map(TaskHandle::taskState).toList();
        out.printf("stopped cleanly after %d ms: %d steps, %d of %d workers cleaned up, states %s%n",
                took.toMillis(), steps.get(), cleanedUp.get(), workers, states);
        return new Outcome(signal.isSet(), states, steps.get(), cleanedUp.get(), took);
    }

    private static Void work(int id, long stepsEach, AtomicLong steps, AtomicInteger cleanedUp,
            CountDownLatch running) throws Exception {
        running.countDown();
        try {
            for (long i = 0; stepsEach < 0 || i < stepsEach; i++) {
                Cancellation.check();          // CPU-bound code polls; blocking calls are interrupted
                Thread.sleep(STEP.toMillis()); // stands in for a unit of work
                steps.incrementAndGet();
            }
            return null;
        } finally {
            Cancellation.shielded(() -> {
                Thread.sleep(5); // flushing, closing files: cancellation does not interrupt this
                cleanedUp.incrementAndGet();
                return null;
            });
        }
    }

    private static int intFlag(String[] args, String flag, int otherwise) {
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals(flag)) {
                return Integer.parseInt(args[i + 1]);
            }
        }
        return otherwise;
    }
}
