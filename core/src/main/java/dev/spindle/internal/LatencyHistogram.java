package dev.spindle.internal;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A lock-free log-linear histogram of nanosecond latencies: powers of two split in 8 linear sub-buckets, so any
 * percentile is reported within 12.5% of the true value. Recording is one atomic increment, in one of eight
 * stripes chosen by thread.
 */
public final class LatencyHistogram {

    private static final int SUB_BITS = 3;
    private static final int SUB = 1 << SUB_BITS;
    private static final int STRIPES = 8; // threads write different stripes, so a hot bucket is not one hot line
    private static final int BUCKETS = 64 * SUB;
    private final AtomicLongArray counts = new AtomicLongArray(BUCKETS * STRIPES);

    /** @param nanos a latency; negative values count as 0 */
    public void record(long nanos) {
        // mixed, not the low bits: pool threads get consecutive ids, and two of them on one stripe share its lines
        int stripe = (int) ((Thread.currentThread().threadId() * 0x9E3779B97F4A7C15L) >>> 61);
        counts.getAndIncrement(stripe * BUCKETS + index(Math.max(0, nanos)));
    }

    static int index(long v) {
        if (v < SUB) {
            return (int) v;
        }
        int msb = 63 - Long.numberOfLeadingZeros(v);
        int sub = (int) (v >>> (msb - SUB_BITS)) & (SUB - 1);
        return (msb - SUB_BITS + 1) * SUB + sub;
    }

    static long lowerBound(int index) {
        if (index < SUB) {
            return index;
        }
        int msb = index / SUB + SUB_BITS - 1;
        long sub = index % SUB;
        return (1L << msb) | (sub << (msb - SUB_BITS));
    }

    /**
     * @param fraction e.g. 0.5 or 0.99
     * @return the latency below which that fraction of the recorded values lie; zero when empty
     */
    public Duration percentile(double fraction) {
        long total = 0;
        long[] snapshot = new long[BUCKETS];
        for (int i = 0; i < counts.length(); i++) {
            long c = counts.get(i);
            snapshot[i % BUCKETS] += c;
            total += c;
        }
        if (total == 0) {
            return Duration.ZERO;
        }
        long rank = (long) Math.ceil(fraction * total);
        long seen = 0;
        for (int i = 0; i < snapshot.length; i++) {
            seen += snapshot[i];
            if (seen >= rank) {
                return Duration.ofNanos(lowerBound(i));
            }
        }
        return Duration.ofNanos(lowerBound(snapshot.length - 1));
    }
}
