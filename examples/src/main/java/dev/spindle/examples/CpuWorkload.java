package dev.spindle.examples;

import dev.spindle.Cancellation;
import dev.spindle.MapOptions;
import dev.spindle.SerializableFunction;
import dev.spindle.TaskExecutor;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * The CPU-bound workload: count the primes below {@code limit} by trial division, split into {@code tasks} ranges
 * of equal width and run with {@link TaskExecutor#map} (Python's {@code Pool.map}). Higher ranges cost more, which
 * {@code map}'s chunking evens out. The checksum is the number of primes, the same on every backend.
 */
final class CpuWorkload implements Workload {

    private final int limit;
    private final int tasks;

    /**
     * @param limit count the primes below this
     * @param tasks how many ranges
     */
    CpuWorkload(int limit, int tasks) {
        this.limit = limit;
        this.tasks = tasks;
    }

    @Override
    public String name() {
        return "cpu";
    }

    @Override
    public String description() {
        return "count the primes below " + limit + " by trial division, in " + tasks + " ranges";
    }

    @Override
    public int units() {
        return tasks;
    }

    @Override
    public int parallelism(int cores) {
        return cores;
    }

    @Override
    public long runUnit(int index) {
        int from = (int) ((long) limit * index / tasks);
        int to = (int) ((long) limit * (index + 1) / tasks);
        long count = 0;
        for (int n = from; n < to; n++) {
            if ((n & 0xFFF) == 0) {
                Cancellation.check(); // a long CPU loop cooperates with cancellation now and then
            }
            if (isPrime(n)) {
                count++;
            }
        }
        return count;
    }

    static boolean isPrime(int n) {
        if (n < 4) {
            return n >= 2;
        }
        if ((n & 1) == 0) {
            return false;
        }
        for (int d = 3; (long) d * d <= n; d += 2) {
            if (n % d == 0) {
                return false;
            }
        }
        return true;
    }

    @Override
    public long runOn(TaskExecutor executor, Meter meter) {
        List<Integer> ranges = IntStream.range(0, tasks).boxed().toList();
        if (executor.backend().equals("process")) {
            // Tasks run in child JVMs: the function must be serializable and cannot reach the meter, so the parent
            // counts each result as it arrives (in any order, as Pool.imap_unordered) instead of timing the task.
            RangeCount count = new RangeCount(limit, tasks);
            try (Stream<Long> results = executor.mapStreaming(count, ranges, MapOptions.unordered())) {
                return results.mapToLong(meter::arrived).sum();
            }
        }
        List<Long> counts = executor.map(i -> meter.time(() -> runUnit(i)), ranges);
        return counts.stream().mapToLong(Long::longValue).sum();
    }

    /** One range's count as a serializable function of its index: what crosses into a child JVM. */
    record RangeCount(int limit, int tasks) implements SerializableFunction<Integer, Long> {
        @Override
        public Long apply(Integer index) {
            return new CpuWorkload(limit, tasks).runUnit(index);
        }
    }
}
