package dev.spindle.examples;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * CPU time of the JVM's threads, from {@link ThreadMXBean}: a snapshot holds the CPU time of every live thread
 * whose name is not excluded, and the difference of two snapshots is the CPU those threads used in between.
 *
 * <p>Child processes (the {@code process} backend's worker JVMs) are counted whole, from the operating system's CPU
 * time of each process.
 *
 * <p>What it misses, by design or by necessity: threads and child processes that ended between the two snapshots (so
 * take the second one before closing an executor), the JVM's own GC and JIT threads (not Java threads), and excluded threads (the
 * loopback server's, which would otherwise count as the client's work). Virtual threads are not measured separately;
 * their CPU shows up on the carrier threads.
 */
final class CpuClock {

    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final Predicate<String> excluded;
    private final boolean supported;

    /** @param excluded thread names to leave out */
    CpuClock(Predicate<String> excluded) {
        this.excluded = excluded;
        boolean ok = threads.isThreadCpuTimeSupported();
        if (ok && !threads.isThreadCpuTimeEnabled()) {
            try {
                threads.setThreadCpuTimeEnabled(true);
            } catch (UnsupportedOperationException | SecurityException e) {
                ok = false;
            }
        }
        this.supported = ok;
    }

    /** @return whether this JVM measures per-thread CPU time; if not, every measurement is -1 */
    boolean isSupported() {
        return supported;
    }

    /** @return the CPU time in nanoseconds of each live, not excluded thread, by thread id */
    Map<Long, Long> snapshot() {
        Map<Long, Long> cpu = new HashMap<>();
        if (!supported) {
            return cpu;
        }
        long[] ids = threads.getAllThreadIds();
        ThreadInfo[] infos = threads.getThreadInfo(ids);
        for (int i = 0; i < ids.length; i++) {
            if (infos[i] == null || excluded.test(infos[i].getThreadName())) {
                continue; // ended since getAllThreadIds, or not ours to count
            }
            long nanos = threads.getThreadCpuTime(ids[i]);
            if (nanos >= 0) {
                cpu.put(ids[i], nanos);
            }
        }
        // child processes (the process backend's worker JVMs), under their negated pid: their CPU is the work too
        ProcessHandle.current().descendants().forEach(child -> child.info().totalCpuDuration()
                .ifPresent(d -> cpu.put(-child.pid(), d.toNanos())));
        return cpu;
    }

    /**
     * @param before an earlier snapshot
     * @param after a later snapshot
     * @return the CPU nanoseconds used in between by the threads alive at {@code after}, or -1 if not supported
     */
    long between(Map<Long, Long> before, Map<Long, Long> after) {
        if (!supported) {
            return -1;
        }
        long sum = 0;
        for (Map.Entry<Long, Long> e : after.entrySet()) {
            sum += Math.max(0, e.getValue() - before.getOrDefault(e.getKey(), 0L));
        }
        return sum;
    }
}
