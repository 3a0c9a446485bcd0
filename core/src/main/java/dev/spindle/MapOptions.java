package dev.spindle;

/**
 * Options for {@link TaskExecutor#mapStreaming}: result order and how many items may be in flight at once.
 * Python's {@code Pool.imap} is {@link #ordered()}, {@code imap_unordered} is {@link #unordered()}.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class MapOptions {

    private final boolean ordered;
    private final int maxInFlight;

    private MapOptions(boolean ordered, int maxInFlight) {
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("maxInFlight is " + maxInFlight
                    + "; expected at least 1 (a small multiple of the executor's parallelism is a good start)");
        }
        this.ordered = ordered;
        this.maxInFlight = maxInFlight;
    }

    /** @return results in item order, at most 64 items in flight */
    public static MapOptions ordered() {
        return new MapOptions(true, 64);
    }

    /** @return results in completion order, at most 64 items in flight */
    public static MapOptions unordered() {
        return new MapOptions(false, 64);
    }

    /**
     * @param maxInFlight the most items submitted but not yet consumed; bounds memory for endless inputs
     * @return a copy with that bound
     */
    public MapOptions withMaxInFlight(int maxInFlight) {
        return new MapOptions(ordered, maxInFlight);
    }

    /** @return whether results come back in item order (otherwise in completion order) */
    public boolean isOrdered() {
        return ordered;
    }

    /** @return the most items submitted but not yet consumed */
    public int maxInFlight() {
        return maxInFlight;
    }

    @Override
    public String toString() {
        return "MapOptions[" + (ordered ? "ordered" : "unordered") + ", maxInFlight=" + maxInFlight + "]";
    }
}
