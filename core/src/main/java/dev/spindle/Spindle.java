package dev.spindle;

import dev.spindle.internal.config.ConfigResolver;
import dev.spindle.internal.config.ResolvedConfig;
import dev.spindle.spi.Backend;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The entry point: executors by name, their backends chosen by configuration.
 *
 * <pre>
 * spindle.executor.default.backend=forkjoin
 * spindle.executor.io.backend=threads
 * spindle.executor.io.parallelism=16
 * </pre>
 *
 * <p>Configuration is read, per key, from (first wins) the {@link ExecutorBuilder}, system properties, environment
 * variables ({@code SPINDLE_EXECUTOR_IO_PARALLELISM}), a {@code spindle.properties} file on the class path, then
 * defaults. A misspelt key, an unknown backend or a bad value throws {@link SpindleConfigException} when the
 * executor is created. An executor whose backend is not configured uses the backend of {@code default}, and
 * {@code default} uses {@code forkjoin}.
 *
 * <p>Thread-safe.
 */
public final class Spindle {

    private static final Map<String, TaskExecutor> SHARED = new ConcurrentHashMap<>();
    private static final ReentrantLock CREATING = new ReentrantLock();

    private Spindle() {
    }

    /** @return the shared executor named {@code default}; see {@link #executor(String)} */
    public static TaskExecutor executor() {
        return executor("default");
    }

    /**
     * The shared executor of this name, created from configuration on first use. Its threads are daemons, so it
     * never keeps the JVM alive. If someone closed it, the next call creates a fresh one.
     *
     * @param name the executor's name, e.g. {@code "io"}: lower-case letters, digits and '-'
     * @return the executor
     * @throws SpindleConfigException if its configuration is wrong
     */
    public static TaskExecutor executor(String name) {
        Objects.requireNonNull(name, "name");
        TaskExecutor ex = SHARED.get(name);
        if (ex != null && !ex.isShutdown()) {
            return ex;
        }
        CREATING.lock();
        try {
            ex = SHARED.get(name);
            if (ex == null || ex.isShutdown()) {
                ex = builder(name).build();
                SHARED.put(name, ex);
            }
            return ex;
        } finally {
            CREATING.unlock();
        }
    }

    /**
     * A builder for a new executor, which the caller owns and must close. Values set on the builder win over every
     * other configuration source.
     *
     * @param name the executor's name, used for its configuration keys and its thread names
     * @return a builder
     */
    public static ExecutorBuilder builder(String name) {
        return new ExecutorBuilder(name);
    }

    /**
     * @return the task whose code runs on the current thread (its name, id and state), or empty outside tasks
     */
    public static java.util.Optional<TaskHandle<?>> currentTask() {
        return java.util.Optional.ofNullable(dev.spindle.internal.Current.run());
    }

    /**
     * The executor running the current task: where task code forks the tasks of a group it opens, e.g.
     * {@code TaskGroup.open(Spindle.currentExecutor().orElseThrow())}. In a worker of the {@code process} backend
     * this is the worker's own local executor, not the pool that sent the task (see docs/process.md).
     *
     * @return the executor of the task whose code runs on the current thread, or empty outside tasks
     */
    public static java.util.Optional<TaskExecutor> currentExecutor() {
        dev.spindle.spi.TaskRun<?> run = dev.spindle.internal.Current.run();
        return java.util.Optional.ofNullable(run == null ? null : run.executor());
    }

    /**
     * Runs {@code task} {@code samples} times, one after the other, on the calling thread and measures how it spends
     * its time: wall time against the calling thread's CPU time. The result says whether the task is I/O-bound or
     * CPU-bound, which backends fit, and the upper bound on the speed-up from running many such tasks at once
     * (Amdahl's law): see {@link TaskProfile} for what is and is not measured.
     *
     * <pre>{@code
     * TaskProfile p = Spindle.profile(() -> fetch(url), 10);
     * System.out.println(p.classification() + ": " + p.advice());
     * }</pre>
     *
     * <p>Each run is preceded by a 3 ms busy loop that measures how much of a core the thread gets, so the profile
     * takes about {@code samples * (3 ms + the task's time)}. The task runs exactly {@code samples} times, with its
     * side effects; the first runs also pay for class loading and JIT compilation, so warm it up first (or profile
     * twice) when that matters. Called inside a Spindle task, profiling stops between runs once that task is
     * cancelled. Thread-safe: threads may profile concurrently, each measuring only itself.
     *
     * @param task the work to measure
     * @param samples how many runs to measure; at least 1
     * @return the profile
     * @throws IllegalArgumentException if {@code samples} is less than 1
     * @throws TaskFailedException if a run threw; the cause is what it threw
     * @throws TaskCancelledException if the calling thread's own Spindle task was cancelled meanwhile
     * @throws UnsupportedOperationException if the calling thread's CPU time cannot be measured: on a virtual thread
     *     (the JDK measures platform threads only) or on a JVM without thread CPU time
     */
    public static TaskProfile profile(Task<?> task, int samples) {
        return Profiler.profile(task, samples);
    }

    /** @return the names of the backends present on the class path or module path */
    public static Set<String> backends() {
        Set<String> names = new TreeSet<>();
        for (Backend b : ConfigResolver.fromEnvironment().backends()) {
            names.add(b.name());
        }
        return names;
    }

    static TaskExecutor create(String name, Map<String, String> values) {
        ResolvedConfig config = ConfigResolver.fromEnvironment().resolve(name, values);
        return config.backend().create(config);
    }
}
