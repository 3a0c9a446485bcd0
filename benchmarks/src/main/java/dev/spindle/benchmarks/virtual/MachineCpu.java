package dev.spindle.benchmarks.virtual;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How busy the machine was with other work while a child ran: the CPU time all processes used (Linux
 * {@code /proc/stat}) minus what the child itself used, as a share of the machine. A noisy neighbour shows here, so a
 * reader can tell a slow run from a disturbed one. Elsewhere than Linux it reports -1.
 */
final class MachineCpu {

    private static final Path STAT = Path.of("/proc/stat");
    private static final long MILLIS_PER_TICK = 10; // USER_HZ is 100 on every Linux architecture the JDK supports

    private MachineCpu() {
    }

    /** @return {busy, total} CPU milliseconds summed over all CPUs since boot, or {-1, -1} */
    static long[] busyAndTotalMillis() {
        try {
            String[] f = Files.readAllLines(STAT).get(0).trim().split("\\s+"); // cpu user nice system idle iowait ...
            long total = 0;
            for (int i = 1; i < f.length && i <= 8; i++) {
                total += Long.parseLong(f[i]);
            }
            long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
            return new long[] {(total - idle) * MILLIS_PER_TICK, total * MILLIS_PER_TICK};
        } catch (IOException | RuntimeException e) {
            return new long[] {-1, -1};
        }
    }

    /**
     * @param before {@link #busyAndTotalMillis()} before the child started
     * @param after the same after it ended
     * @param childCpuMillis the child's own CPU time
     * @param elapsedMillis how long the child ran
     * @return the percentage of the machine's CPU capacity used by others meanwhile, or -1 if unknown
     */
    static double othersPercent(long[] before, long[] after, Double childCpuMillis, long elapsedMillis) {
        if (before[0] < 0 || after[0] < 0 || childCpuMillis == null || elapsedMillis <= 0) {
            return -1;
        }
        double capacity = elapsedMillis * (double) Runtime.getRuntime().availableProcessors();
        double others = (after[0] - before[0]) - childCpuMillis;
        return Math.max(0, 100 * others / capacity);
    }
}
