package dev.spindle;

import java.time.Duration;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Configures a {@link TaskCache}; obtain one from {@link TaskCache#builder()}. Only {@link #executor} is required:
 * without a size bound or an expiry the cache keeps every value until it is invalidated, like Python's
 * {@code functools.cache}. Setting a value twice keeps the last one.
 *
 * <p>The key and value types are inferred by {@link #build()} from the variable it is assigned to:
 * {@code TaskCache<String, User> users = TaskCache.builder().executor(io).maximumSize(10_000).build();}
 *
 * <p>Not thread-safe; the cache it builds is.
 */
public final class TaskCacheBuilder {

    static final long UNSET = -1;

    TaskExecutor executor;
    String name = "default";
    long maximumSize = UNSET;
    Duration expireAfterWrite;
    Duration expireAfterAccess;
    LongSupplier ticker;

    TaskCacheBuilder() {
    }

    /**
     * @param executor runs the loads, one task per key being loaded; the cache does not close it
     * @return this builder
     */
    public TaskCacheBuilder executor(TaskExecutor executor) {
        this.executor = Objects.requireNonNull(executor, "executor");
        return this;
    }

    /**
     * @param name shown in the names of load tasks ({@code cache:<name>:<key>}) and in error messages; not blank
     * @return this builder
     */
    public TaskCacheBuilder name(String name) {
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("cache name is blank; give a name that identifies the cache in task "
                    + "names and logs, or leave it unset to get \"default\"");
        }
        this.name = name;
        return this;
    }

    /**
     * Bounds the number of stored values (Python's {@code lru_cache(maxsize=...)}; Caffeine's eviction policy picks
     * what goes, which is close to but not exactly least-recently-used). Eviction may happen shortly after the bound
     * is crossed, not at once. Loads in flight are never evicted and do not count.
     *
     * @param maximumSize the most values to keep; 0 keeps none, so only concurrent callers share a load
     * @return this builder
     */
    public TaskCacheBuilder maximumSize(long maximumSize) {
        if (maximumSize < 0) {
            throw new IllegalArgumentException("maximumSize is " + maximumSize + "; expected 0 or more (the most "
                    + "values the cache keeps)");
        }
        this.maximumSize = maximumSize;
        return this;
    }

    /**
     * Expiry is counted from the moment the cache records a finished load, which may be a moment after the load's
     * callers received its value.
     *
     * @param duration how long a value stays after its load finished; positive
     * @return this builder
     */
    public TaskCacheBuilder expireAfterWrite(Duration duration) {
        this.expireAfterWrite = positive("expireAfterWrite", duration);
        return this;
    }

    /**
     * @param duration how long a value stays after it was last loaded or read; positive
     * @return this builder
     */
    public TaskCacheBuilder expireAfterAccess(Duration duration) {
        this.expireAfterAccess = positive("expireAfterAccess", duration);
        return this;
    }

    /**
     * The clock used for expiry, for tests that control time instead of sleeping.
     *
     * @param nanos reads the current time in nanoseconds, like {@link System#nanoTime()}
     * @return this builder
     */
    TaskCacheBuilder ticker(LongSupplier nanos) {
        this.ticker = Objects.requireNonNull(nanos, "nanos");
        return this;
    }

    /**
     * @param <K> the key type
     * @param <V> the value type
     * @return a new, empty cache
     * @throws IllegalStateException if no executor was set
     */
    public <K, V> TaskCache<K, V> build() {
        if (executor == null) {
            throw new IllegalStateException("cache '" + name + "' has no executor to run its loads on; call "
                    + "executor(...) before build(), e.g. executor(Spindle.executor(\"io\"))");
        }
        return new TaskCache<>(this);
    }

    private static Duration positive(String what, Duration duration) {
        Objects.requireNonNull(duration, what);
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException(what + " is " + duration + "; expected a positive duration such as "
                    + "Duration.ofMinutes(5)");
        }
        return duration;
    }
}
