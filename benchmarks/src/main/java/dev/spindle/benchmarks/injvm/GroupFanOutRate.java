package dev.spindle.benchmarks.injvm;

import dev.spindle.Spindle;
import dev.spindle.Task;
import dev.spindle.TaskExecutor;
import dev.spindle.TaskGroup;
import dev.spindle.TaskHandle;

/**
 * Groups of {@value #BATCH} no-op tasks forked from this (plain) thread and joined, over and over for a number of
 * seconds, on one backend; prints the time per task. Used to compare two builds of Spindle on a noisy machine: run it
 * with each build's jar in turn, several times, alternating (see docs/benchmarks.md, run of 2026-12-06 05:58).
 *
 * <pre>
 * java -Xms2g -Xmx2g -XX:+AlwaysPreTouch -cp benchmarks.jar dev.spindle.benchmarks.injvm.GroupFanOutRate \
 *     group|batch SECONDS [BACKEND (default virtual)]
 * </pre>
 * {@code batch} submits the same tasks without a group and joins each handle.
 */
public final class GroupFanOutRate {

    static final int BATCH = 1000;

    private GroupFanOutRate() {
    }

    /**
     * @param args mode, seconds, optional backend
     */
    public static void main(String[] args) {
        if (args.length < 2 || !(args[0].equals("group") || args[0].equals("batch"))) {
            throw new IllegalArgumentException("usage: GroupFanOutRate group|batch SECONDS [BACKEND]; got "
                    + String.join(" ", args));
        }
        boolean group = args[0].equals("group");
        long seconds = Long.parseLong(args[1]);
        String backend = args.length > 2 ? args[2] : "virtual";
        Task<Object> task = () -> null;
        TaskHandle<?>[] handles = new TaskHandle<?>[BATCH];
        Object sink = null;
        try (TaskExecutor ex = Spindle.builder("bench").backend(backend).build()) {
            long start = System.nanoTime();
            long end = start + seconds * 1_000_000_000L;
            long n = 0;
            while (System.nanoTime() < end) {
                if (group) {
                    try (TaskGroup g = TaskGroup.open(ex)) {
                        for (int i = 0; i < BATCH; i++) {
                            g.fork(task);
                        }
                        g.join();
                    }
                } else {
                    for (int i = 0; i < BATCH; i++) {
                        handles[i] = ex.submit(task);
                    }
                    for (int i = 0; i < BATCH; i++) {
                        sink = handles[i].join();
                    }
                }
                n += BATCH;
            }
            System.out.printf("%s on %s: %.0f ns/task (%d tasks)%s%n", args[0], backend,
                    (System.nanoTime() - start) / (double) n, n, sink == null ? "" : " ");
        }
    }
}
