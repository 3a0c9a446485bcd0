package dev.spindle.benchmarks.process;

import dev.spindle.ExecutorBuilder;
import dev.spindle.Spindle;
import dev.spindle.TaskExecutor;

/** The pools the process benchmarks compare: a 2-worker {@code process} pool, and in-process peers. */
final class ProcessPools {

    private ProcessPools() {
    }

    /**
     * @param backend {@code process}, {@code threads} or {@code inline}
     * @param workers workers or threads (ignored by inline)
     * @param keys more keys for the process backend: key, value, ...
     * @return the executor
     */
    static TaskExecutor of(String backend, int workers, String... keys) {
        ExecutorBuilder b = Spindle.builder("bench-" + backend).backend(backend);
        if (backend.equals("process")) {
            b.set("workers", Integer.toString(workers));
            for (int i = 0; i < keys.length; i += 2) {
                b.set(keys[i], keys[i + 1]);
            }
        } else if (!backend.equals("inline")) {
            b.parallelism(workers);
        }
        return b.build();
    }
}
