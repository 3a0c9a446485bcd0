package dev.spindle;

/**
 * A snapshot of a {@link TaskCache}'s counters, taken by {@link TaskCache#stats()}. Counters start at zero when the
 * cache is built and only grow.
 *
 * <p>Instances are immutable and thread-safe.
 *
 * @param hits requests answered by an entry that was present: a stored value or a load already in flight
 * @param misses requests that found no entry and started a load
 * @param loads loads that finished, successfully or not; a load still in flight is not counted yet
 * @param loadFailures finished loads whose loader threw, was cancelled or rejected, or returned {@code null}
 */
public record TaskCacheStats(long hits, long misses, long loads, long loadFailures) {

    /** @return {@code hits + misses} */
    public long requests() {
        return hits + misses;
    }

    /** @return {@code hits / requests()}, or 1.0 when there were no requests (as Caffeine and Guava report it) */
    public double hitRate() {
        long requests = requests();
        return requests == 0 ? 1.0 : (double) hits / requests;
    }
}
