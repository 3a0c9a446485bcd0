package dev.spindle.examples;

import dev.spindle.ExecutorBuilder;
import dev.spindle.SerializableFunction;
import dev.spindle.SerializableTask;
import dev.spindle.Spindle;
import dev.spindle.SpindleConfigException;
import dev.spindle.Task;
import dev.spindle.TaskExecutor;
import dev.spindle.TaskGroup;
import dev.spindle.TaskProfile;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Spindle's showcase: the same two workloads on every backend present, then one table and some advice.
 *
 * <ul>
 *   <li>{@code io}: requests to a loopback HTTP server that answers after 20 ms, one task each, in a
 *       {@link dev.spindle.TaskGroup}. Waiting dominates; many requests in flight help, cores hardly matter.</li>
 *   <li>{@code cpu}: counting primes in ranges with {@link TaskExecutor#map}. Computing dominates; the core count is
 *       the limit.</li>
 * </ul>
 *
 * <p>Before the runs, a few tasks of each workload are profiled on one thread (CPU time against wall time) with
 * {@link Spindle#profile}, the same API users have for their own tasks; that {@link TaskProfile} and the serial part of
 * the {@code inline} run give the advice: I/O-bound or CPU-bound, the Amdahl bound on
 * the speed-up, and the backend that fits.
 *
 * <p>The same results are written as an SVG bar chart ({@code target/showcase.svg}, or {@code --chart PATH}); the last
 * line printed says where.
 *
 * <p>Run it with {@code ./mvnw -q -DskipTests -Pshowcase package}, sizes with
 * {@code -Dshowcase.args="--quick"}; see {@link ShowcaseOptions} for every flag.
 */
public final class Showcase {

    private static final int PROFILED_TASKS = 8;

    private Showcase() {
    }

    /**
     * @param args see {@link ShowcaseOptions}
     * @throws Exception if a workload failed or gave a wrong result
     */
    public static void main(String[] args) throws Exception {
        try {
            run(args, System.out);
        } catch (ShowcaseOptions.UsageException e) {
            System.err.println(e.getMessage());
            System.exit(2);
        }
    }

    /**
     * Runs the showcase and prints to {@code out}. Everything it starts (the server, the HTTP client, the executors)
     * is stopped before it returns.
     *
     * @param args see {@link ShowcaseOptions}
     * @param out where to print the progress, the table and the advice
     * @throws IllegalArgumentException if the arguments are wrong
     * @throws IllegalStateException if a workload gave different results on different backends
     * @throws Exception if a workload failed
     */
    public static void run(String[] args, PrintStream out) throws Exception {
        ShowcaseOptions options = ShowcaseOptions.parse(Arrays.asList(args));
        if (options.help()) {
            out.println(ShowcaseOptions.USAGE);
            return;
        }
        int cores = Runtime.getRuntime().availableProcessors();
        List<String> backends = inlineFirst(Spindle.backends());
        boolean interactive = out == System.out && System.console() != null;
        out.printf(Locale.ROOT, "Spindle showcase: %d cores, Java %s, backends present: %s%n", cores,
                Runtime.version(), String.join(", ", backends));
        double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        if (load > cores) {
            out.printf(Locale.ROOT, "Note: the system load average is %.1f on %d cores: other processes compete for"
                    + " the CPU, so timings will be noisy.%n", load, cores);
        }

        int serverThreads = Math.max(64, options.ioParallelism());
        try (SlowHttpServer server = SlowHttpServer.start(options.ioDelayMillis(), serverThreads);
                IoWorkload io = new IoWorkload(server.uri(), options.ioRequests(), options.ioDelayMillis(),
                        options.ioParallelism())) {
            List<Workload> workloads = List.of(io, new CpuWorkload(options.cpuLimit(), options.cpuTasks()));
            CpuClock clock = new CpuClock(SlowHttpServer::isServerThread);
            for (Workload w : workloads) {
                out.printf("  %-4s %s%n", w.name(), w.description());
            }

            // Profiling first also warms up the JIT and the HTTP connections, and a tiny group and map on each
            // backend load Spindle's own code, so that the first run measured is not also the first run at all.
            for (String backend : backends) {
                warmUp(backend);
            }
            out.println();
            out.println("Profiling " + PROFILED_TASKS + " tasks of each workload on one thread, after a warm-up pass"
                    + " (CPU vs wall time)...");
            Map<Workload, TaskProfile> profiles = new LinkedHashMap<>();
            for (Workload w : workloads) {
                profiles.put(w, profile(w, PROFILED_TASKS));
            }

            out.println("Running every workload on every backend:");
            List<Measurement> rows = new ArrayList<>();
            Map<String, Long> checksums = new HashMap<>();
            for (String backend : backends) {
                for (Workload w : workloads) {
                    Measurement m = measure(backend, w, cores, clock, out, interactive);
                    Long first = checksums.putIfAbsent(w.name(), m.checksum());
                    if (first != null && first != m.checksum()) {
                        throw new IllegalStateException("workload " + w.name() + " on " + backend + " added up to "
                                + m.checksum() + " but to " + first + " on " + backends.get(0) + "; a backend lost"
                                + " or repeated tasks");
                    }
                    rows.add(m);
                }
            }
            if (checksums.get(io.name()) != io.units()) {
                throw new IllegalStateException(checksums.get(io.name()) + " of " + io.units()
                        + " requests succeeded");
            }

            out.println();
            ResultTable.print(out, rows);
            out.println("CPU: ThreadMXBean CPU time summed over the JVM's live threads (caller, executor workers, HTTP"
                    + " client) and its child JVMs,");
            out.println("     the loopback server's threads excluded. Speed-up: inline's wall time / this wall time.");
            out.println();
            out.println("Advice (" + cores + " cores):");
            for (Map.Entry<Workload, TaskProfile> e : profiles.entrySet()) {
                Advice.print(out, e.getKey(), e.getValue(), rows, cores);
            }

            Map<String, String> descriptions = new LinkedHashMap<>();
            workloads.forEach(w -> descriptions.put(w.name(), w.description()));
            Path chart = ResultChart.write(options.chart(), rows, descriptions, String.format(Locale.ROOT,
                    "%d cores, Java %s, %s", cores, Runtime.version(), System.getProperty("os.name")));
            out.println();
            out.println("Chart (wall time per backend and workload, SVG): " + chart);
        }
    }

    /**
     * Profiles {@code samples} tasks of {@code workload}, spread evenly over its range, with {@link Spindle#profile}:
     * twice, keeping the second pass, because the first warms up class loading, the JIT and the HTTP connection.
     *
     * @return the profile; {@code null} if this JVM cannot measure thread CPU time
     */
    static TaskProfile profile(Workload workload, int samples) {
        int n = Math.min(samples, workload.units());
        AtomicInteger next = new AtomicInteger();
        Task<Long> oneTask = () -> workload.runUnit((int) ((long) workload.units() * (next.getAndIncrement() % n) / n));
        try {
            Spindle.profile(oneTask, n);
            return Spindle.profile(oneTask, n);
        } catch (UnsupportedOperationException e) {
            return null;
        }
    }

    private static Measurement measure(String backend, Workload workload, int cores, CpuClock clock, PrintStream out,
            boolean interactive) throws Exception {
        try (TaskExecutor executor = open(backend, workload.parallelism(cores))) {
            Progress progress = Progress.start(out, interactive, workload.name() + " on " + backend,
                    workload.units());
            try {
                Workload.Meter meter = new Workload.Meter(progress::step);
                Map<Long, Long> before = clock.snapshot();
                long start = System.nanoTime();
                long checksum = workload.runOn(executor, meter);
                long end = System.nanoTime();
                long cpu = clock.between(before, clock.snapshot()); // before close(): its threads are still alive
                return new Measurement(backend, workload.name(), executor.parallelism(), end - start, cpu,
                        meter.serialNanos(start, end), checksum);
            } finally {
                progress.close();
            }
        }
    }

    private static void warmUp(String backend) {
        try (TaskExecutor executor = open(backend, 2); TaskGroup group = TaskGroup.open(executor)) {
            // serializable, so that the same warm-up also runs on process (and starts its workers once)
            group.fork((SerializableTask<Integer>) () -> 1);
            group.fork((SerializableTask<Integer>) () -> 2);
            executor.map((SerializableFunction<Integer, Integer>) x -> x + 1, List.of(1, 2, 3, 4));
            group.join();
        }
    }

    /**
     * An executor of {@code backend} named {@code showcase-<backend>}, with {@code parallelism} for backends that
     * have a pool.
     */
    static TaskExecutor open(String backend, int parallelism) {
        ExecutorBuilder plain = Spindle.builder("showcase-" + backend).backend(backend);
        if (backend.equals("inline")) {
            return plain.build(); // runs tasks on the caller's thread: nothing to size
        }
        try {
            return Spindle.builder("showcase-" + backend).backend(backend).parallelism(parallelism).build();
        } catch (SpindleConfigException e) {
            return plain.build(); // a backend that sizes itself another way has no "parallelism" key: its defaults
        }
    }

    private static List<String> inlineFirst(Iterable<String> names) {
        List<String> ordered = new ArrayList<>();
        for (String name : names) {
            if (name.equals("inline")) {
                ordered.add(0, name);
            } else {
                ordered.add(name);
            }
        }
        return ordered;
    }
}
