package dev.spindle.process;

import dev.spindle.TaskExecutor;
import dev.spindle.spi.Backend;
import dev.spindle.spi.BackendContext;
import dev.spindle.spi.ConfigKey;
import java.time.Duration;
import java.util.List;

/**
 * The {@code process} backend: a pool of child JVMs that run serialized tasks in isolation (Python's
 * {@code multiprocessing.Pool} without its hangs). Found by {@link java.util.ServiceLoader}. Thread-safe.
 */
public final class ProcessBackend implements Backend {

    static final ConfigKey<Integer> WORKERS = ConfigKey.intKey("workers",
            "how many worker JVMs run tasks at once; each starts on first need", 1, 1024,
            () -> Runtime.getRuntime().availableProcessors());
    static final ConfigKey<String> JVM_ARGS = ConfigKey.stringKey("jvmArgs",
            "JVM options for each worker, separated by spaces, e.g. -Xmx256m -Dfoo=bar", "");
    static final ConfigKey<Integer> MAX_TASKS_PER_WORKER = ConfigKey.intKey("maxTasksPerWorker",
            "replace a worker after it has run this many tasks (0 = never)", 0, Integer.MAX_VALUE, () -> 0);
    static final ConfigKey<Duration> CANCEL_GRACE = ConfigKey.durationKey("cancelGrace",
            "how long a cancelled or timed-out task may take to stop after its interrupt before its worker is "
                    + "destroyed", () -> Duration.ofSeconds(2));
    static final ConfigKey<Boolean> PRESTART = ConfigKey.booleanKey("prestart",
            "start every worker (and the spares) when the executor is built, rather than on first need", false);
    static final ConfigKey<Integer> SPARES = ConfigKey.intKey("spares",
            "warm spare workers kept started and initialized, to replace a crashed or recycled worker at once", 0, 64,
            () -> 0);
    static final ConfigKey<String> INITIALIZER = ConfigKey.stringKey("initializer",
            "class run once in each worker before its first task: public, a public no-argument constructor, "
                    + "implements Runnable or dev.spindle.Task", "");
    static final ConfigKey<Integer> RETRIES = ConfigKey.intKey("retries",
            "how often a task whose worker died under it is sent again to a fresh worker; a task that killed two "
                    + "workers is not retried again", 0, 10, () -> 0);
    static final ConfigKey<Integer> PIPELINE = ConfigKey.intKey("pipeline",
            "the most tasks in flight to one worker; more than one only while its tasks are short (see pipelineAhead), "
                    + "1 = one at a time", 1, 64, () -> 16);
    static final ConfigKey<Duration> PIPELINE_AHEAD = ConfigKey.positiveDurationKey("pipelineAhead",
            "about how much work, judged by its recent tasks, may wait in a busy worker: tasks go ahead only while "
                    + "they take less than this each and the running one has not run this long; more raises "
                    + "throughput of tiny tasks, less keeps waiting work free for an idle worker",
            () -> Duration.ofMillis(1));
    static final ConfigKey<Boolean> FAST_START = ConfigKey.booleanKey("fastStart",
            "create and reuse the JDK's AOT cache (CDS archive before JDK 25) for faster worker starts; off by itself "
                    + "where it cannot work, e.g. with class directories on the class path", true);
    static final ConfigKey<String> CACHE_DIR = ConfigKey.stringKey("cacheDir",
            "directory of the fast-start caches (empty: ~/.cache/spindle, or under java.io.tmpdir)", "");
    static final ConfigKey<String> ALLOW = ConfigKey.stringKey("allow",
            "more classes to accept when deserializing, as an ObjectInputFilter pattern (e.g. com.example.*)", "");

    /** Creates the backend; found by {@link java.util.ServiceLoader}. */
    public ProcessBackend() {
    }

    @Override
    public String name() {
        return "process";
    }

    @Override
    public String description() {
        return "a pool of child JVMs: CPU-bound work that needs isolation, crash containment, its own heap";
    }

    @Override
    public List<ConfigKey<?>> keys() {
        return List.of(WORKERS, JVM_ARGS, MAX_TASKS_PER_WORKER, CANCEL_GRACE, ALLOW, PRESTART, SPARES, INITIALIZER,
                RETRIES, PIPELINE, PIPELINE_AHEAD, FAST_START, CACHE_DIR);
    }

    @Override
    public TaskExecutor create(BackendContext context) {
        String name = context.executorName();
        WorkerSpec spec = WorkerSpec.of(name, context.get(JVM_ARGS), context.get(CANCEL_GRACE), context.get(ALLOW),
                context.get(INITIALIZER), context.get(FAST_START), context.get(CACHE_DIR));
        return new ProcessExecutor(name, spec, context.get(WORKERS), context.get(MAX_TASKS_PER_WORKER),
                context.get(PRESTART), context.get(SPARES), context.get(RETRIES),
                Pipeline.of(context.get(PIPELINE), context.get(PIPELINE_AHEAD)));
    }
}
