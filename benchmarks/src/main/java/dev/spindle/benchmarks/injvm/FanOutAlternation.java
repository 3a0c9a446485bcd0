package dev.spindle.benchmarks.injvm;

import dev.spindle.Spindle;
import dev.spindle.Task;
import dev.spindle.TaskExecutor;
import dev.spindle.TaskGroup;
import dev.spindle.TaskHandle;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.Future;

/**
 * The fan-out of {@code FanOutBenchmark} ({@value #TASKS} no-op tasks in one group, against the raw pool's submit +
 * get of each), alternating between the two every 200 ms in one JVM, so that the machine's drift hits both alike;
 * prints the median of the per-round ratios and its quartiles. Parallelism 2. On {@code virtual} the raw side is
 * {@code Executors.newVirtualThreadPerTaskExecutor()}, and a third body alternates with them: Spindle's
 * {@code submit} + {@code join} of each task without a group (issue 3's submit+join throughput).
 *
 * <pre>
 * java -Xms1g -Xmx1g -XX:+AlwaysPreTouch -cp benchmarks.jar dev.spindle.benchmarks.injvm.FanOutAlternation \
 *     threads|forkjoin|virtual ROUNDS
 * </pre>
 */
public final class FanOutAlternation {

    static final int TASKS = 10_000;

    private FanOutAlternation() {
    }

    private interface Body {
        void run() throws Exception;
    }

    private static double microsPerOp(Body body, long nanos) throws Exception {
        long start = System.nanoTime();
        long end = start + nanos;
        long n = 0;
        do {
            body.run();
            n++;
        } while (System.nanoTime() < end);
        return (System.nanoTime() - start) / (double) n / 1000.0;
    }

    /**
     * @param args backend ({@code threads}, {@code forkjoin} or {@code virtual}), rounds
     * @throws Exception if a task fails
     */
    public static void main(String[] args) throws Exception {
        if (args.length != 2 || !List.of("threads", "forkjoin", "virtual").contains(args[0])) {
            throw new IllegalArgumentException("usage: FanOutAlternation threads|forkjoin|virtual ROUNDS; got "
                    + String.join(" ", args));
        }
        String backend = args[0];
        int rounds = Integer.parseInt(args[1]);
        Task<Object> task = () -> null;
        Callable<Object> callable = () -> null;
        Future<?>[] futures = new Future<?>[TASKS];
        boolean virtual = backend.equals("virtual");
        @SuppressWarnings("unchecked")
        TaskHandle<Object>[] handles = new TaskHandle[TASKS];
        try (TaskExecutor spindle = virtual ? Spindle.builder("bench").backend(backend).build()
                : Spindle.builder("bench").backend(backend).parallelism(2).build()) {
            ExecutorService raw = switch (backend) {
                case "forkjoin" -> new ForkJoinPool(2);
                case "virtual" -> Executors.newVirtualThreadPerTaskExecutor();
                default -> Executors.newFixedThreadPool(2);
            };
            try {
                Body rawBody = () -> {
                    for (int i = 0; i < TASKS; i++) {
                        futures[i] = raw.submit(callable);
                    }
                    for (int i = 0; i < TASKS; i++) {
                        futures[i].get();
                    }
                };
                Body groupBody = () -> {
                    try (TaskGroup g = TaskGroup.open(spindle)) {
                        for (int i = 0; i < TASKS; i++) {
                            g.fork(task);
                        }
                        g.join();
                    }
                };
                Body submitBody = () -> {
                    for (int i = 0; i < TASKS; i++) {
                        handles[i] = spindle.submit(task);
                    }
                    for (int i = 0; i < TASKS; i++) {
                        handles[i].join();
                    }
                };
                for (int w = 0; w < 5; w++) {
                    microsPerOp(rawBody, 300_000_000L);
                    microsPerOp(groupBody, 300_000_000L);
                    if (virtual) {
                        microsPerOp(submitBody, 300_000_000L);
                    }
                }
                List<Double> ratios = new ArrayList<>();
                List<Double> submitRatios = new ArrayList<>();
                List<Double> raws = new ArrayList<>();
                List<Double> groups = new ArrayList<>();
                for (int r = 0; r < rounds; r++) {
                    double x = microsPerOp(rawBody, 200_000_000L);
                    double y = microsPerOp(groupBody, 200_000_000L);
                    raws.add(x);
                    groups.add(y);
                    ratios.add(y / x);
                    if (virtual) {
                        submitRatios.add(microsPerOp(submitBody, 200_000_000L) / x);
                    }
                }
                Collections.sort(ratios);
                Collections.sort(raws);
                Collections.sort(groups);
                System.out.printf("%s: raw %.0f us, group %.0f us per fan-out; group/raw median %.2f (quartiles %.2f, %.2f)%n",
                        backend, raws.get(rounds / 2), groups.get(rounds / 2), ratios.get(rounds / 2),
                        ratios.get(rounds / 4), ratios.get(3 * rounds / 4));
                if (virtual) {
                    Collections.sort(submitRatios);
                    System.out.printf("%s: submit+join of each / raw median %.2f (quartiles %.2f, %.2f)%n", backend,
                            submitRatios.get(rounds / 2), submitRatios.get(rounds / 4),
                            submitRatios.get(3 * rounds / 4));
                }
            } finally {
                raw.shutdown();
            }
        }
    }
}
