package dev.spindle.benchmarks.virtual;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Where this JVM's CPU went, by kind of thread: the scheduler's own accounting of every native thread of the process
 * ({@code /proc/self/task/<tid>/schedstat}: nanoseconds on a CPU and nanoseconds runnable but waiting for one). A
 * difference of two snapshots is taken thread by thread, then summed over threads whose names differ only in digits
 * ({@code ForkJoinPool-1-worker-1} and {@code -2} are one kind, as are the collector's {@code GC Thread#0} and
 * {@code #1}). A thread that started in between counts in full; one that ended in between is missing from both sums
 * (the kernel forgets it), so a kind whose threads come and go (HotSpot's compiler threads on machines with more cores)
 * is understated. Linux only; elsewhere, and where the kernel keeps no such figures, a snapshot is empty, every sum is
 * 0 and {@link #since} prints nothing.
 */
final class ThreadCpu {

    /** One thread's figures: its kind, then nanoseconds on a CPU and nanoseconds runnable. */
    private record Figures(String kind, long cpuNanos, long waitNanos) {
    }

    private final Map<String, Figures> byThread; // by tid

    private ThreadCpu(Map<String, Figures> byThread) {
        this.byThread = byThread;
    }

    /** @return the figures of every thread alive now */
    static ThreadCpu snapshot() {
        Map<String, Figures> threads = new HashMap<>();
        Path tasks = Path.of("/proc/self/task");
        if (!Files.isDirectory(tasks)) {
            return new ThreadCpu(threads);
        }
        try (Stream<Path> listing = Files.list(tasks)) {
            listing.forEach(t -> {
                String comm;
                String schedstat;
                try {
                    // ISO-8859-1: the kernel cuts names at 15 bytes, possibly inside a UTF-8 character
                    comm = Files.readString(t.resolve("comm"), StandardCharsets.ISO_8859_1).strip();
                    schedstat = Files.readString(t.resolve("schedstat"), StandardCharsets.ISO_8859_1).strip();
                } catch (IOException gone) {
                    return; // the thread ended between the listing and the reads: it is simply not counted
                }
                String[] f = schedstat.split(" ");
                threads.put(t.getFileName().toString(),
                        new Figures(kindOf(comm), Long.parseLong(f[0]), Long.parseLong(f[1])));
            });
        } catch (IOException | UncheckedIOException e) {
            threads.clear();
        }
        return new ThreadCpu(threads);
    }

    /** @return {@code name} with every run of digits replaced by one {@code #} (no regex: this runs often) */
    private static String kindOf(String name) {
        StringBuilder kind = new StringBuilder(name.length());
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < '0' || c > '9') {
                kind.append(c);
            } else if (i == 0 || name.charAt(i - 1) < '0' || name.charAt(i - 1) > '9') {
                kind.append('#');
            }
        }
        return kind.toString();
    }

    /** @return per kind, the CPU and runnable-wait nanoseconds of every thread alive now, less what it had before */
    private Map<String, long[]> deltasByKind(ThreadCpu before) {
        Map<String, long[]> kinds = new TreeMap<>();
        byThread.forEach((tid, now) -> {
            Figures then = before.byThread.get(tid);
            if (then != null && !then.kind().equals(now.kind())) {
                then = null; // the tid was reused by a new thread (or the thread renamed itself): count it in full
            }
            long[] sum = kinds.computeIfAbsent(now.kind(), k -> new long[2]);
            sum[0] += now.cpuNanos() - (then == null ? 0 : then.cpuNanos());
            sum[1] += now.waitNanos() - (then == null ? 0 : then.waitNanos());
        });
        return kinds;
    }

    /**
     * @param before an earlier snapshot
     * @param kindPrefix the start of the kinds to sum, as {@code /proc} names them (15 bytes at most, digits as
     *     {@code #}): {@code "java"} is the launcher's main thread, {@code "ForkJoinPool-#-"} the virtual threads'
     *     carriers (and, from JDK 25, their timer thread; on JDK 21-24 the timer is {@code VirtualThread-unparker},
     *     not included), {@code "GC Thread"} the collector's workers, {@code "G# "} G1's concurrent threads,
     *     {@code "C# CompilerThre"} the JIT
     * @return the CPU time those threads used since {@code before}, in milliseconds; 0 if there are no figures
     */
    double cpuMillis(ThreadCpu before, String kindPrefix) {
        long sum = 0;
        for (Map.Entry<String, long[]> e : deltasByKind(before).entrySet()) {
            if (e.getKey().startsWith(kindPrefix)) {
                sum += e.getValue()[0];
            }
        }
        return sum / 1e6;
    }

    /**
     * @param before an earlier snapshot
     * @return one line, {@code THREADS cpuMs/runnableWaitMs: kind=cpu/wait ...} (spaces in a kind's name as
     *     {@code _}), for the kinds that used at least 5 ms since then; empty if there are no figures
     */
    String since(ThreadCpu before) {
        StringBuilder out = new StringBuilder();
        deltasByKind(before).forEach((kind, d) -> {
            if (d[0] >= 5_000_000) {
                out.append(' ').append(kind.replace(' ', '_')).append('=').append(d[0] / 1_000_000).append('/')
                        .append(d[1] / 1_000_000);
            }
        });
        return out.isEmpty() ? "" : "THREADS cpuMs/runnableWaitMs:" + out;
    }
}
