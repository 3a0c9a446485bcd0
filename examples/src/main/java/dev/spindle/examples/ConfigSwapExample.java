/*
 * Python idiom: swapping the executor -- ThreadPoolExecutor for ProcessPoolExecutor, or threads for asyncio.
 *
 *     Executor = ProcessPoolExecutor if cpu_bound else ThreadPoolExecutor    # a code change, and often more:
 *     with Executor(max_workers=4) as pool:                                  # process pools need picklable work,
 *         results = list(pool.map(work, items))                              # asyncio needs async def everywhere
 *
 * In Spindle the application names an executor ("work") and configuration picks its backend; the code does not
 * change. Here the configuration is a system property set before each run,
 *
 *     -Dspindle.executor.work.backend=virtual
 *
 * and the same holds for the environment (SPINDLE_EXECUTOR_WORK_BACKEND=virtual) and for spindle.properties on the
 * class path. A misspelt backend fails when the executor is created, with a message that names the key and
 * suggests the right spelling.
 */
package dev.spindle.examples;

import dev.spindle.SerializableFunction;
import dev.spindle.SerializableTask;
import dev.spindle.Spindle;
import dev.spindle.SpindleConfigException;
import dev.spindle.TaskExecutor;
import dev.spindle.TaskGroup;
import dev.spindle.TaskHandle;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;

/** The same code on every backend, chosen by configuration alone: see the comment at the top of the file. */
public final class ConfigSwapExample {

    /** The system property this example sets: the backend of the executor named {@code work}. */
    static final String KEY = "spindle.executor.work.backend";

    /**
     * One run of the application code.
     *
     * @param configured the backend named in the configuration
     * @param ran the backend of the executor that ran the work, as it reports itself
     * @param thread the thread the first task ran on
     * @param total what the work computed; the same on every backend
     */
    record Run(String configured, String ran, String thread, long total) {
    }

    /**
     * What the example saw, for its test.
     *
     * @param runs one per backend
     * @param misspelt what creating the executor with a misspelt backend threw
     */
    record Outcome(List<Run> runs, SpindleConfigException misspelt) {
    }

    private ConfigSwapExample() {
    }

    /**
     * @param args optional: the backends to run on (default: every backend present)
     * @throws Exception if the example fails
     */
    public static void main(String[] args) throws Exception {
        run(args, System.out);
    }

    /**
     * Sets {@value #KEY} to each backend in turn and runs the same application code; restores the property after.
     *
     * @param args optional: the backends to run on (default: every backend present)
     * @param out where to print
     * @return what happened
     */
    static Outcome run(String[] args, PrintStream out) {
        List<String> backends = args.length > 0 ? Arrays.asList(args) : new ArrayList<>(Spindle.backends());
        String before = System.getProperty(KEY);
        try {
            List<Run> runs = new ArrayList<>();
            for (String backend : backends) {
                System.setProperty(KEY, backend); // -Dspindle.executor.work.backend=<backend>
                Run r = application(backend);
                out.printf(Locale.ROOT, "%s=%-9s -> ran on %-9s (a task's thread: %s), total %d%n", KEY, backend,
                        r.ran(), r.thread(), r.total());
                runs.add(r);
            }

            System.setProperty(KEY, "thraeds");
            SpindleConfigException misspelt = null;
            try {
                application("thraeds");
            } catch (SpindleConfigException e) {
                misspelt = e;
                out.printf(Locale.ROOT, "%s=%-9s -> %s%n", KEY, "thraeds", e.getMessage());
            }
            return new Outcome(runs, misspelt);
        } finally {
            if (before == null) {
                System.clearProperty(KEY);
            } else {
                System.setProperty(KEY, before);
            }
        }
    }

    /**
     * The application: it asks for the executor "work" and never names a backend. A builder rather than the shared
     * {@code Spindle.executor("work")}, because this example changes the configuration between runs and the shared
     * executor is created once.
     */
    private static Run application(String configured) {
        try (TaskExecutor work = Spindle.builder("work").build()) {
            long total;
            // Serializable tasks and functions: the same code then also runs on the process backend, whose tasks
            // travel to child JVMs (what "picklable" means for Python's process pools)
            SerializableTask<String> where = ConfigSwapExample::describeThread;
            String thread = work.submit(where).join();
            try (TaskGroup group = TaskGroup.open(work)) { // fan out, fan in
                List<TaskHandle<Long>> parts = new ArrayList<>();
                for (int p = 0; p < 4; p++) {
                    int part = p;
                    SerializableTask<Long> slice = () -> sumOfSquares(part * 1_000, (part + 1) * 1_000);
                    parts.add(group.fork(slice));
                }
                group.join();
                total = parts.stream().mapToLong(TaskHandle::join).sum();
            }
            SerializableFunction<Integer, Long> widen = x -> (long) x;
            total += work.map(widen, IntStream.range(0, 10).boxed().toList()).stream()
                    .mapToLong(Long::longValue).sum(); // and a Pool.map
            return new Run(configured, work.backend(), thread, total);
        }
    }

    private static String describeThread() {
        Thread t = Thread.currentThread();
        return (t.isVirtual() ? "virtual " : "") + (t.getName().isEmpty() ? "#" + t.threadId() : t.getName());
    }

    private static long sumOfSquares(int from, int to) {
        long sum = 0;
        for (long i = from; i < to; i++) {
            sum += i * i;
        }
        return sum;
    }
}
