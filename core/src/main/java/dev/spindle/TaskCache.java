package dev.spindle;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.stats.CacheStats;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.function.LongSupplier;

/**
 * Memoised results of tasks, loaded at most once at a time per key: Python's {@code functools.lru_cache} for code
 * that runs on a {@link TaskExecutor}, with the "single-flight" behaviour asyncio code gets by caching the
 * {@code Task} instead of its result, so that concurrent awaiters of one key share one computation.
 *
 * <pre>
 * TaskCache&lt;String, User&gt; users = TaskCache.builder().executor(io).name("users")
 *         .maximumSize(10_000).expireAfterWrite(Duration.ofMinutes(5)).build();
 * User u = users.get(id, userService::fetch);
 * </pre>
 *
 * <p><b>Single flight.</b> When a key has no value, the first caller starts its loader as a task on the executor,
 * named {@code cache:<name>:<key>}; every caller asking for that key until the load ends waits for that same task.
 * A value is stored when its load succeeds and stays until it is evicted ({@link TaskCacheBuilder#maximumSize}),
 * expires ({@link TaskCacheBuilder#expireAfterWrite}, {@link TaskCacheBuilder#expireAfterAccess}) or is
 * {@linkplain #invalidate invalidated}. The loader passed by a caller that joins a load in flight is not run.
 * The entries live in a Caffeine {@code AsyncCache}.
 *
 * <p><b>Failure.</b> A load that throws is not stored: every caller waiting for it gets the failure, and the next
 * request for the key runs a loader again. {@link #get} throws {@link TaskFailedException} whose cause is what the
 * loader threw; a future from {@link #getAsync} completes exceptionally with what the loader threw, as
 * {@link TaskHandle#toCompletableFuture()} does. If the load task is cancelled (e.g. the executor was shut down)
 * {@code get} throws {@link TaskCancelledException}; if the executor rejects the load because it is closed, callers
 * get a failure caused by {@link java.util.concurrent.RejectedExecutionException}.
 *
 * <p><b>Null.</b> A loader that returns {@code null} stores nothing, as with {@link java.util.Map#computeIfAbsent}:
 * the callers of that load get {@code null}, the next request loads again, and the load counts in
 * {@link TaskCacheStats#loadFailures()} (Caffeine's convention).
 *
 * <p><b>Cancellation.</b> A load is shared, so no single caller can cancel it. Interrupting a thread blocked in
 * {@link #get} ends only that thread's wait, with {@link TaskCancelledException} and its interrupt flag kept; the load
 * goes on for the other callers and its value is stored. Cancelling a future returned by {@link #getAsync} likewise
 * affects that future only. Invalidating a key whose load is in flight does not stop the load: its callers get its
 * result, but the result is not stored.
 *
 * <p><b>Blocking.</b> {@link #get} waits as {@link TaskHandle#join()} does, so on a worker thread of the executor it
 * helps rather than only blocks (on the {@code threads} and {@code forkjoin} backends): a load still queued behind
 * the caller runs on the caller's thread, and even a pool of one thread does not deadlock.
 * {@link #getAsync} does not block, except on an executor that runs tasks on the submitting thread
 * ({@code inline}). Eviction and expiry are done in small steps by the threads that use the cache.
 *
 * <p>This class is thread-safe.
 *
 * @param <K> the key type; keys are compared with {@code equals} and must not be {@code null}
 * @param <V> the value type
 */
public final class TaskCache<K, V> {

    private static final int MAX_KEY_CHARS = 80;

    private final String name;
    private final TaskExecutor executor;
    private final AsyncCache<K, V> cache;

    TaskCache(TaskCacheBuilder b) {
        this.name = b.name;
        this.executor = b.executor;
        // Loads run on our executor, never on Caffeine's; all Caffeine would run there is its own maintenance, which
        // is cheap, so it runs on the calling thread rather than on the common pool behind the user's back.
        Caffeine<Object, Object> c = Caffeine.newBuilder().executor(Runnable::run).recordStats();
        if (b.maximumSize != TaskCacheBuilder.UNSET) {
            c.maximumSize(b.maximumSize);
        }
        if (b.expireAfterWrite != null) {
            c.expireAfterWrite(b.expireAfterWrite);
        }
        if (b.expireAfterAccess != null) {
            c.expireAfterAccess(b.expireAfterAccess);
        }
        if (b.ticker != null) {
            LongSupplier ticker = b.ticker;
            c.ticker(ticker::getAsLong);
        }
        this.cache = c.buildAsync();
    }

    /** @return a builder; {@link TaskCacheBuilder#executor} must be set */
    public static TaskCacheBuilder builder() {
        return new TaskCacheBuilder();
    }

    /**
     * Returns the value for {@code key}, waiting for its load if it has none: joins the load in flight for the key,
     * or starts {@code loader} as a task on the executor.
     *
     * @param key the key
     * @param loader computes the value when the key has none and no load is in flight
     * @return the value; {@code null} only if the loader returned {@code null}
     * @throws TaskFailedException if the load threw; the cause is what the loader threw
     * @throws TaskCancelledException if the load was cancelled, or the waiting thread was interrupted (its interrupt
     *     flag is kept, and the load goes on for other callers)
     * @throws NullPointerException if {@code key} or {@code loader} is {@code null}
     */
    public V get(K key, TaskFunction<? super K, ? extends V> loader) {
        Load<V> load = share(key, loader);
        TaskHandle<V> task = load.task;
        if (task != null && !load.isDone()) {
            try {
                task.join(); // helps: on a worker of a bounded pool, a load queued behind us runs on this thread
            } catch (RuntimeException e) {
                // the outcome is read from the shared load below, an interrupt from the thread's flag
            }
        }
        try {
            return load.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TaskCancelledException("interrupted while waiting for cache '" + name + "' to load key "
                    + abbreviate(key) + "; the load goes on for other callers");
        } catch (ExecutionException | CancellationException e) {
            // read the cause from the load: how get() reports a CancellationException differs between JDK releases
            throw failure(key, load.failure != null ? load.failure : e);
        }
    }

    /**
     * Like {@link #get} without waiting: returns a new future for this caller. Completing or cancelling it affects
     * neither the load nor other callers.
     *
     * @param key the key
     * @param loader computes the value when the key has none and no load is in flight
     * @return a future of the value; on failure it completes exceptionally with what the loader threw, or with
     *     {@link TaskCancelledException} if the load was cancelled
     * @throws NullPointerException if {@code key} or {@code loader} is {@code null}
     */
    public CompletableFuture<V> getAsync(K key, TaskFunction<? super K, ? extends V> loader) {
        Load<V> load = share(key, loader);
        CompletableFuture<V> mine = new CompletableFuture<>();
        load.whenComplete((value, error) -> {
            if (error == null) {
                mine.complete(value);
            } else {
                mine.completeExceptionally(load.failure != null ? load.failure : error);
            }
        });
        return mine;
    }

    /**
     * The stored value, without loading or waiting. Counts as a hit or a miss in {@link #stats()}.
     *
     * @param key the key
     * @return the value, or empty if there is none or its load is still in flight
     */
    public Optional<V> getIfPresent(K key) {
        Objects.requireNonNull(key, "key");
        CompletableFuture<V> f = cache.getIfPresent(key);
        if (f == null || !f.isDone() || f.isCompletedExceptionally()) {
            return Optional.empty();
        }
        return Optional.ofNullable(f.join());
    }

    /**
     * Removes the key's value. A load in flight for it goes on for its callers, but its result is not stored.
     *
     * @param key the key
     */
    public void invalidate(K key) {
        Objects.requireNonNull(key, "key");
        cache.synchronous().invalidate(key);
    }

    /** Removes every value; loads in flight go on for their callers, but their results are not stored. */
    public void invalidateAll() {
        cache.synchronous().invalidateAll();
    }

    /**
     * @return about how many entries the cache holds, loads in flight included; entries past their expiry or over
     *     the size bound count until the cache's next maintenance step removes them
     */
    public long estimatedSize() {
        return cache.synchronous().estimatedSize();
    }

    /** @return a snapshot of the hit, miss and load counters */
    public TaskCacheStats stats() {
        CacheStats s = cache.synchronous().stats();
        return new TaskCacheStats(s.hitCount(), s.missCount(), s.loadCount(), s.loadFailureCount());
    }

    /** @return the name given to the builder, or {@code "default"} */
    public String name() {
        return name;
    }

    /** Runs pending eviction and expiry now; for tests that need them to be deterministic. */
    void cleanUp() {
        cache.synchronous().cleanUp();
    }

    @Override
    public String toString() {
        return "TaskCache[" + name + ", executor=" + executor.name() + ", size~" + estimatedSize() + "]";
    }

    // ---------------------------------------------------------------- loading

    private Load<V> share(K key, TaskFunction<? super K, ? extends V> loader) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(loader, "loader");
        Load<V> fresh = new Load<>();
        // Only the future is created inside Caffeine's compute; the task is submitted after it, because an executor
        // that runs tasks on the submitting thread would otherwise run the loader under the map's lock.
        CompletableFuture<V> entry = cache.get(key, (k, ignored) -> fresh);
        if (entry == fresh) {
            start(key, loader, fresh);
        }
        return (Load<V>) entry;
    }

    private void start(K key, TaskFunction<? super K, ? extends V> loader, Load<V> load) {
        try {
            TaskHandle<V> task = executor.submit(() -> loader.apply(key), TaskOptions.named(taskName(key)));
            load.task = task;
            task.toCompletableFuture().whenComplete((value, error) -> settle(key, load, value, error));
        } catch (Throwable t) {
            settle(key, load, null, t); // e.g. RejectedExecutionException: waiting callers must not hang
            if (t instanceof Error e) {
                throw e;
            }
        }
    }

    private void settle(K key, Load<V> load, V value, Throwable error) {
        if (error == null && value != null) {
            load.complete(value);
            return;
        }
        // Removed before the callers wake: Caffeine would remove it too, but in a callback that may run after a
        // caller got the failure and asked again, and would then be given the same failure.
        cache.asMap().remove(key, load);
        if (error == null) {
            load.complete(null);
            return;
        }
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        load.failure = cause; // written before the completion that publishes it
        load.completeExceptionally(new LoadFailure(cause));
    }

    private RuntimeException failure(K key, Throwable cause) {
        if (cause instanceof CancellationException c) {
            return new TaskCancelledException("cache '" + name + "': the load of key " + abbreviate(key)
                    + " was cancelled: " + c.getMessage(), c);
        }
        return new TaskFailedException("cache '" + name + "' could not load key " + abbreviate(key) + ": " + cause,
                cause);
    }

    private String taskName(K key) {
        return "cache:" + name + ":" + abbreviate(key);
    }

    private static String abbreviate(Object key) {
        String s = String.valueOf(key);
        return s.length() <= MAX_KEY_CHARS ? s : s.substring(0, MAX_KEY_CHARS) + "...";
    }

    /**
     * The shared future of one load; every entry of the cache is one. {@code task} is set once it is submitted;
     * {@code failure}, what the loader threw, before the future completes exceptionally.
     */
    private static final class Load<V> extends CompletableFuture<V> {
        volatile TaskHandle<V> task;
        volatile Throwable failure;
    }

    /**
     * How a failed load completes its shared future. Caffeine logs every exceptional completion of an asynchronous
     * load at WARNING through {@link System.Logger} (the JDK's console by default), except cancellations and
     * timeouts. The failure already reaches every caller, so it travels as this private cancellation: Caffeine then
     * drops the entry and counts a load failure without logging, and callers are given {@code Load.failure}.
     */
    private static final class LoadFailure extends CancellationException {
        private static final long serialVersionUID = 1L;

        LoadFailure(Throwable cause) {
            super("load failed");
            initCause(cause);
        }

        @Override
        public Throwable fillInStackTrace() {
            return this; // never shown: callers see the cause
        }
    }
}
