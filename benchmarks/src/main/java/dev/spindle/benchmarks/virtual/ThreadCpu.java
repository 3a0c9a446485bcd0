package dev.spindle.benchmarks.virtual;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Where this JVM's CPU went, by kind of thread: the scheduler's own accounting of every native thread of the process
 * ({@code /proc/self/task/<tid>/schedstat}: nanoseconds on a CPU and nanoseconds runnable but waiting for one), summed
 * over threads whose names differ only in digits ({@code ForkJoinPool-1-worker-1} and {@code -2} are one kind, as are
 * the collector's {@code GC Thread#0} and {@code #1}). Linux only; elsewhere, and where the kernel keeps no such
 * figures, a snapshot is empty and {@link #since} prints nothing.
 */
final class ThreadCpu {

    private final Map<String, long[]> byKind;

    private ThreadCpu(Map<String, long[]> byKind) {
        this.byKind = byKind;
    }

    /** @return the figures of every thread alive now */
    static ThreadCpu snapshot() {
        Map<String, long[]> kinds = new TreeMap<>();
        Path tasks = Path.of("/proc/self/task");
        if (!Files.isDirectory(tasks)) {
            return new ThreadCpu(kinds);
        }
        try (Stream<Path> threads = Files.list(tasks)) {
            threads.forEach(t -> {
                try {
                    String kind = Files.readString(t.resolve("comm")).strip().replaceAll("[0-9]+", "#");
                    String[] f = Files.readString(t.resolve("schedstat")).strip().split("\\s+");
                    long[] sum = kinds.computeIfAbsent(kind, k -> new long[2]);
                    sum[0] += Long.parseLong(f[0]);
                    sum[1] += Long.parseLong(f[1]);
                } catch (IOException | RuntimeException gone) {
                    // the thread ended between the listing and the read: it is simply not counted
                }
            });
        } catch (IOException e) {
            kinds.clear();
        }
        return new ThreadCpu(kinds);
    }

    /**
     * @param before an earlier snapshot
     * @param kindPrefix the start of the kinds to sum, as {@code /proc} names them (15 characters at most, digits as
     *     {@code #}): {@code "java"} is the launcher's main thread, {@code "ForkJoinPool-#-"} the virtual threads'
     *     carriers and their timer, {@code "GC Thread"} the collector's workers, {@code "G# "} G1's concurrent threads,
     *     {@code "C# CompilerThre"} the JIT
     * @return the CPU time those threads used since {@code before}, in milliseconds; 0 if there are no figures
     */
    double cpuMillis(ThreadCpu before, String kindPrefix) {
        long sum = 0;
        for (Map.Entry<String, long[]> e : byKind.entrySet()) {
            if (e.getKey().startsWith(kindPrefix)) {
                sum += e.getValue()[0] - before.byKind.getOrDefault(e.getKey(), new long[2])[0];
            }
        }
        return sum / 1e6;
    }

    /**
     * @param before an earlier snapshot
     * @return one line, {@code THREADS kind=cpuMs/waitMs ...}, for the kinds that used at least 5 ms since then; empty
     *     if there are no figures
     */
    String since(ThreadCpu before) {
        StringBuilder out = new StringBuilder();
        byKind.forEach((kind, now) -> {
            long[] then = before.byKind.getOrDefault(kind, new long[2]);
            long cpu = now[0] - then[0];
            long wait = now[1] - then[1];
            if (cpu >= 5_000_000) {
                out.append(' ').append(kind.replace(' ', '_')).append('=').append(cpu / 1_000_000).append('/')
                        .append(wait / 1_000_000);
            }
        });
        return out.isEmpty() ? "" : "THREADS cpuMs/runnableWaitMs:" + out;
    }
}
