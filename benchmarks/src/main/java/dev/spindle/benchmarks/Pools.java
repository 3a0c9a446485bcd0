package dev.spindle.benchmarks;

import dev.spindle.ExecutorBuilder;
import dev.spindle.Spindle;
import dev.spindle.TaskExecutor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;

/** Creates a Spindle executor and the raw JDK executor its backend wraps, with the same parallelism. */
final class Pools {

    private Pools() {
    }

    /** The inline backend has no pool, so it takes no parallelism (setting one is a configuration error). */
    static TaskExecutor spindle(String backend, int parallelism) {
        ExecutorBuilder b = Spindle.builder("bench").backend(backend);
        if (!backend.equals("inline")) {
            b.parallelism(parallelism);
        }
        return b.build();
    }

    /**
     * The raw JDK executor that the backend wraps: {@code threads} is a fixed {@code ThreadPoolExecutor} with an
     * unbounded {@code LinkedBlockingQueue}, {@code forkjoin} a dedicated {@code ForkJoinPool} in LIFO mode;
     * {@code inline} wraps nothing, so its baseline is a direct {@code Callable.call()} and this returns null.
     */
    static ExecutorService raw(String backend, int parallelism) {
        return switch (backend) {
            case "threads" -> Executors.newFixedThreadPool(parallelism, r -> {
                Thread t = new Thread(r);
                t.setDaemon(true);
                return t;
            });
            case "forkjoin" -> new ForkJoinPool(parallelism);
            case "inline" -> null;
            default -> throw new IllegalArgumentException("unknown backend " + backend);
        };
    }

    static void close(TaskExecutor spindle, ExecutorService raw) throws InterruptedException {
        if (spindle != null) {
            spindle.close();
        }
        if (raw != null) {
            raw.shutdown();
            if (!raw.awaitTermination(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("raw executor did not terminate");
            }
        }
    }
}
