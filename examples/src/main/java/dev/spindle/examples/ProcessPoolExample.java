/*
 * Python idiom: multiprocessing.Pool / ProcessPoolExecutor for CPU-bound work, without their failure modes.
 *
 *     with ProcessPoolExecutor(max_workers=2) as pool:
 *         counts = list(pool.map(count_primes, ranges))     # the GIL is per process: real parallelism
 *     # and when one task calls sys.exit() or is OOM-killed, ProcessPoolExecutor raises BrokenProcessPool for
 *     # *every* pending future, and Pool.map may hang forever.
 *
 * In Spindle the pool is the "process" backend: tasks are SerializableTasks (a record of plain values is ideal), run
 * in child JVMs. Part 1 counts primes in ranges on "process" and on "inline" (one thread) and prints the speed-up.
 * Part 2 submits a batch where one task calls System.exit(3): that task fails with WorkerCrashedException, carrying
 * the exit code and the worker's last stderr lines; a fresh worker takes over and every other task completes.
 */
package dev.spindle.examples;

import dev.spindle.SerializableTask;
import dev.spindle.Spindle;
import dev.spindle.TaskExecutor;
import dev.spindle.TaskFailedException;
import dev.spindle.TaskHandle;
import dev.spindle.process.WorkerCrashedException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** CPU-bound work on child JVMs, and a crash that stays with its task: see the comment at the top of the file. */
public final class ProcessPoolExample {

    /**
     * What the example saw, for its test.
     *
     * @param primes the primes counted on the process pool
     * @param inlinePrimes the primes counted inline
     * @param processTime the process pool's wall time (workers already started)
     * @param inlineTime the inline wall time
     * @param crashed the crash report of the task that exited its worker
     * @param othersSucceeded how many of the other tasks of the crash demo succeeded
     * @param others how many other tasks there were
     */
    record Outcome(long primes, long inlinePrimes, Duration processTime, Duration inlineTime,
            WorkerCrashedException crashed, int othersSucceeded, int others) {
        double speedUp() {
            return (double) inlineTime.toNanos() / processTime.toNanos();
        }
    }

    /** Counts the primes in {@code [from, to)} by trial division: CPU-bound, and serializable as a record. */
    record CountPrimes(int from, int to) implements SerializableTask<Long> {
        @Override
        public Long call() {
            long n = 0;
            for (int i = Math.max(2, from); i < to; i++) {
                boolean prime = true;
                for (int d = 2; (long) d * d <= i; d++) {
                    if (i % d == 0) {
                        prime = false;
                        break;
                    }
                }
                if (prime) {
                    n++;
                }
            }
            return n;
        }
    }

    /** A task that gives up by ending its whole JVM, as a buggy native library or a stray System.exit would. */
    record ExitsItsWorker() implements SerializableTask<Long> {
        @Override
        public Long call() {
            System.err.println("task 3: configuration is missing, giving up");
            System.err.flush();
            System.exit(3);
            return -1L;
        }
    }

    private ProcessPoolExample() {
    }

    /**
     * @param args optional: the limit below which primes are counted (default 5,000,000)
     * @throws Exception if the example fails
     */
    public static void main(String[] args) throws Exception {
        run(args, System.out);
    }

    /**
     * @param args optional: the limit below which primes are counted (default 5,000,000)
     * @param out where to print
     * @return what happened
     * @throws Exception if the example fails
     */
    static Outcome run(String[] args, PrintStream out) throws Exception {
        int limit = args.length > 0 ? Integer.parseInt(args[0]) : 5_000_000;
        int ranges = 16;
        List<CountPrimes> work = new ArrayList<>();
        for (int i = 0; i < ranges; i++) {
            work.add(new CountPrimes((int) ((long) limit * i / ranges), (int) ((long) limit * (i + 1) / ranges)));
        }

        try (TaskExecutor cpu = Spindle.builder("primes").backend("process").set("workers", "2")
                .set("prestart", "true").build();
                TaskExecutor inline = Spindle.builder("one-thread").backend("inline").build()) {
            cpu.submit(new CountPrimes(0, 1000)).join(); // both workers started (prestart): time the work, not the JVMs
            long t0 = System.nanoTime();
            long primes = count(cpu, work);
            Duration processTime = Duration.ofNanos(System.nanoTime() - t0);
            long t1 = System.nanoTime();
            long inlinePrimes = count(inline, work);
            Duration inlineTime = Duration.ofNanos(System.nanoTime() - t1);
            out.printf("primes below %,d: %,d%n", limit, primes);
            out.printf("  process (2 worker JVMs): %5d ms%n", processTime.toMillis());
            out.printf("  inline (this thread):    %5d ms%n", inlineTime.toMillis());
            out.printf("  speed-up: %.2fx on %d cores%n", (double) inlineTime.toNanos() / processTime.toNanos(),
                    Runtime.getRuntime().availableProcessors());

            out.println();
            out.println("crash demo: 8 tasks, task 3 calls System.exit(3)");
            List<TaskHandle<Long>> hs = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                hs.add(cpu.submit(i == 3 ? new ExitsItsWorker() : new CountPrimes(i * 1000, (i + 1) * 1000)));
            }
            WorkerCrashedException crashed = null;
            int succeeded = 0;
            for (int i = 0; i < hs.size(); i++) {
                try {
                    out.printf("  task %d: %d primes%n", i, hs.get(i).join());
                    succeeded++;
                } catch (TaskFailedException e) {
                    if (!(e.getCause() instanceof WorkerCrashedException w)) {
                        throw e;
                    }
                    crashed = w;
                    out.printf("  task %d: its worker died: %s%s, last stderr line: %s%n", i,
                            "exit code " + w.exitCode(), w.signal().isPresent() ? " (signal " + w.signal().getAsInt()
                                    + ")" : "", w.lastStderrLines().isEmpty() ? "(none)"
                                    : w.lastStderrLines().get(w.lastStderrLines().size() - 1));
                }
            }
            out.printf("  %d of %d other tasks completed; the pool goes on%n", succeeded, hs.size() - 1);
            return new Outcome(primes, inlinePrimes, processTime, inlineTime, crashed, succeeded, hs.size() - 1);
        }
    }

    private static long count(TaskExecutor ex, List<CountPrimes> work) {
        List<TaskHandle<Long>> hs = new ArrayList<>();
        for (CountPrimes w : work) {
            hs.add(ex.submit(w));
        }
        long total = 0;
        for (TaskHandle<Long> h : hs) {
            total += h.join();
        }
        return total;
    }
}
