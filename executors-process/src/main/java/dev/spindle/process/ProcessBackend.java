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
        return List.of(WORKERS, JVM_ARGS, MAX_TASKS_PER_WORKER, CANCEL_GRACE, ALLOW);
    }

    @Override
    public TaskExecutor create(BackendContext context) {
        String name = context.executorName();
        WorkerSpec spec = WorkerSpec.of(name, context.get(JVM_ARGS), context.get(CANCEL_GRACE), context.get(ALLOW));
        return new ProcessExecutor(name, context.get(WORKERS), context.get(MAX_TASKS_PER_WORKER), spec);
    }
}
