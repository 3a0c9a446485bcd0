package dev.spindle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.internal.Current;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TaskCacheTest {

    private static final long WAIT_S = 10;
    private static final Executor NEW_THREAD = r -> Thread.ofPlatform().daemon().start(r);

    private TaskExecutor executor;
    private final CountDownLatch gate = new CountDownLatch(1);
    private final AtomicInteger runs = new AtomicInteger();

    @BeforeEach
    void start() {
        executor = Spindle.builder("cache-test").backend("threads").parallelism(4).build();
    }

    @AfterEach
    void stop() {
        gate.countDown(); // no test leaves a load blocked, even when it fails
        executor.close();
    }

    private TaskCache<String, String> cache() {
        return TaskCache.builder().executor(executor).name("t").build();
    }

    /** Counts its runs, waits for {@link #gate}, and returns a new String each time, so identity shows sharing. */
    private String gatedLoad(String key) throws InterruptedException {
        runs.incrementAndGet();
        assertTrue(gate.await(WAIT_S, TimeUnit.SECONDS), "gate not opened");
        return new String("v-" + key);
    }

    private static void awaitUntil(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_S);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out waiting until " + what);
            LockSupport.parkNanos(100_000);
        }
    }

    /** Runs {@code call} on another thread; the future holds what it threw, or an AssertionError if it returned. */
    private static CompletableFuture<Throwable> thrownBy(Supplier<?> call) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return new AssertionError("returned " + call.get());
            } catch (RuntimeException e) {
                return e;
            }
        }, NEW_THREAD);
    }

    /**
     * Waits until Caffeine has recorded {@code loads} finished loads. It does so (and starts a value's expiry clock
     * and counts it against the size bound) in a callback of the load that may run just after its callers got it.
     */
    private static void awaitLoads(TaskCache<?, ?> cache, long loads) {
        awaitUntil(() -> cache.stats().loads() == loads, "the cache recorded " + loads + " finished loads");
    }

    @Test
    void concurrentCallersOfOneKeyShareOneLoad() throws Exception {
        TaskCache<String, String> cache = cache();
        ExecutorService callers = Executors.newFixedThreadPool(6);
        try {
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                results.add(callers.submit(() -> cache.get("k", this::gatedLoad)));
            }
            awaitUntil(() -> cache.stats().requests() == 6, "all six callers asked");
            gate.countDown();
            String first = results.get(0).get(WAIT_S, TimeUnit.SECONDS);
            for (Future<String> r : results) {
                assertSame(first, r.get(WAIT_S, TimeUnit.SECONDS));
            }
            assertEquals(1, runs.get());
            awaitLoads(cache, 1);
            assertEquals(new TaskCacheStats(5, 1, 1, 0), cache.stats());
        } finally {
            callers.shutdownNow();
        }
    }

    @Test
    void loadRunsOnTheExecutorAsATaskNamedAfterCacheAndKey() {
        TaskCache<Integer, String> cache = TaskCache.builder().executor(executor).name("users").build();
        String seen = cache.get(42, k -> Current.run().name() + " on " + Thread.currentThread().getName());
        assertTrue(seen.startsWith("cache:users:42 on spindle-cache-test-"), seen);
    }

    @Test
    void failedLoadReachesEveryWaiterAndIsNotStored() throws Exception {
        TaskCache<String, String> cache = cache();
        IOException boom = new IOException("boom");
        TaskFunction<String, String> failing = k -> {
            gatedLoad(k);
            throw boom;
        };
        CompletableFuture<String> async1 = cache.getAsync("k", failing);
        CompletableFuture<String> async2 = cache.getAsync("k", failing);
        CompletableFuture<Throwable> blocking = thrownBy(() -> cache.get("k", failing));
        awaitUntil(() -> cache.stats().requests() == 3, "three callers asked");
        gate.countDown();
        for (CompletableFuture<String> f : List.of(async1, async2)) {
            ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(WAIT_S, TimeUnit.SECONDS));
            assertSame(boom, e.getCause());
        }
        Throwable thrown = blocking.get(WAIT_S, TimeUnit.SECONDS);
        assertInstanceOf(TaskFailedException.class, thrown);
        assertSame(boom, thrown.getCause());
        assertTrue(thrown.getMessage().contains("cache 't' could not load key k"), thrown.getMessage());
        assertEquals(1, runs.get());
        assertEquals(Optional.empty(), cache.getIfPresent("k"));

        assertEquals("ok", cache.get("k", k -> "ok"));
        assertEquals(Optional.of("ok"), cache.getIfPresent("k"));
        awaitLoads(cache, 2);
        assertEquals(1, cache.stats().loadFailures());
    }

    @Test
    void interruptingOneWaiterEndsOnlyItsWaitNotTheSharedLoad() throws Exception {
        TaskCache<String, String> cache = cache();
        CompletableFuture<String> interrupted = new CompletableFuture<>();
        Thread a = Thread.ofPlatform().start(() -> {
            try {
                interrupted.complete("returned " + cache.get("k", this::gatedLoad));
            } catch (TaskCancelledException e) {
                interrupted.complete("cancelled, flag kept: " + Thread.currentThread().isInterrupted());
            }
        });
        CompletableFuture<String> other =
                CompletableFuture.supplyAsync(() -> cache.get("k", this::gatedLoad), NEW_THREAD);
        awaitUntil(() -> cache.stats().requests() == 2, "both callers asked");
        a.interrupt();
        assertEquals("cancelled, flag kept: true", interrupted.get(WAIT_S, TimeUnit.SECONDS));
        assertFalse(other.isDone());
        gate.countDown();
        assertEquals("v-k", other.get(WAIT_S, TimeUnit.SECONDS));
        assertEquals(Optional.of("v-k"), cache.getIfPresent("k"));
        assertEquals(1, runs.get());
    }

    @Test
    void cancellingOneCallersFutureDoesNotCancelTheSharedLoad() throws Exception {
        TaskCache<String, String> cache = cache();
        CompletableFuture<String> mine = cache.getAsync("k", this::gatedLoad);
        CompletableFuture<String> theirs = cache.getAsync("k", this::gatedLoad);
        assertTrue(mine.cancel(true));
        gate.countDown();
        assertEquals("v-k", theirs.get(WAIT_S, TimeUnit.SECONDS));
        assertThrows(CancellationException.class, mine::join);
        assertEquals(Optional.of("v-k"), cache.getIfPresent("k"));
        assertEquals(1, runs.get());
    }

    @Test
    void getOnTheOnlyWorkerOfAPoolRunsTheLoadQueuedBehindItInsteadOfDeadlocking() throws Exception {
        try (TaskExecutor one = Spindle.builder("cache-one").backend("threads").parallelism(1).build()) {
            TaskCache<String, String> cache = TaskCache.builder().executor(one).build();
            TaskHandle<String> outer = one.submit(() -> cache.get("k", k -> "v"));
            assertEquals("v", outer.get(Duration.ofSeconds(WAIT_S)));
        }
    }

    @Test
    void cancelledLoadIsReportedAsCancellationAndAClosedExecutorAsAFailure() throws Exception {
        TaskExecutor doomed = Spindle.builder("cache-doomed").backend("threads").parallelism(1).build();
        TaskCache<String, String> cache = TaskCache.builder().executor(doomed).build();
        CompletableFuture<String> f = cache.getAsync("k", this::gatedLoad);
        CompletableFuture<Throwable> blocking = thrownBy(() -> cache.get("k", this::gatedLoad));
        awaitUntil(() -> runs.get() == 1 && cache.stats().requests() == 2, "the load started and both asked");
        doomed.shutdownNow();
        assertInstanceOf(TaskCancelledException.class, f.handle((v, e) -> e).get(WAIT_S, TimeUnit.SECONDS));
        assertTrue(f.isCancelled());
        Throwable thrown = blocking.get(WAIT_S, TimeUnit.SECONDS);
        assertInstanceOf(TaskCancelledException.class, thrown);
        assertTrue(thrown.getMessage().startsWith("cache 'default': the load of key k was cancelled"),
                thrown.getMessage());
        doomed.close();
        TaskFailedException rejected = assertThrows(TaskFailedException.class, () -> cache.get("k", k -> "v"));
        assertInstanceOf(RejectedExecutionException.class, rejected.getCause());
        assertEquals(0, cache.estimatedSize());
    }

    @Test
    void nullResultIsReturnedButNotStored() throws Exception {
        TaskCache<String, String> cache = cache();
        TaskFunction<String, String> nothing = k -> {
            runs.incrementAndGet();
            return null;
        };
        assertNull(cache.get("k", nothing));
        assertNull(cache.getAsync("k", nothing).get(WAIT_S, TimeUnit.SECONDS));
        assertEquals(Optional.empty(), cache.getIfPresent("k"));
        assertEquals(2, runs.get());
    }

    @Test
    void invalidateDuringALoadLetsItsCallersFinishButStoresNothing() throws Exception {
        TaskCache<String, String> cache = cache();
        CompletableFuture<String> before = cache.getAsync("k", this::gatedLoad);
        cache.invalidate("k");
        CompletableFuture<String> after = cache.getAsync("k", this::gatedLoad);
        gate.countDown();
        assertEquals("v-k", before.get(WAIT_S, TimeUnit.SECONDS));
        assertEquals("v-k", after.get(WAIT_S, TimeUnit.SECONDS));
        assertEquals(2, runs.get(), "the request after invalidate started its own load");
        assertEquals(Optional.of("v-k"), cache.getIfPresent("k"));

        cache.get("other", k -> "o");
        assertEquals(2, cache.estimatedSize());
        cache.invalidateAll();
        assertEquals(0, cache.estimatedSize());
        assertEquals(Optional.empty(), cache.getIfPresent("other"));
    }

    @Test
    void expireAfterWriteFollowsTheTicker() {
        AtomicLong now = new AtomicLong();
        TaskCache<String, String> cache = TaskCache.builder().executor(executor)
                .expireAfterWrite(Duration.ofMinutes(1)).ticker(now::get).build();
        TaskFunction<String, String> load = k -> "v" + runs.incrementAndGet();
        assertEquals("v1", cache.get("k", load));
        awaitLoads(cache, 1);
        now.addAndGet(Duration.ofSeconds(59).toNanos());
        assertEquals("v1", cache.get("k", load));
        now.addAndGet(Duration.ofSeconds(2).toNanos());
        assertEquals(Optional.empty(), cache.getIfPresent("k"));
        assertEquals("v2", cache.get("k", load));
    }

    @Test
    void expireAfterAccessIsRenewedByEachRead() {
        AtomicLong now = new AtomicLong();
        TaskCache<String, String> cache = TaskCache.builder().executor(executor)
                .expireAfterAccess(Duration.ofMinutes(1)).ticker(now::get).build();
        cache.get("k", k -> "v");
        awaitLoads(cache, 1);
        for (int i = 0; i < 3; i++) {
            now.addAndGet(Duration.ofSeconds(50).toNanos());
            assertEquals(Optional.of("v"), cache.getIfPresent("k"));
        }
        now.addAndGet(Duration.ofSeconds(61).toNanos());
        assertEquals(Optional.empty(), cache.getIfPresent("k"));
    }

    @Test
    void badArgumentsAreRejectedWithTheValueAndWhatWasExpected() {
        TaskCache<String, String> cache = cache();
        assertEquals("key", assertThrows(NullPointerException.class, () -> cache.get(null, k -> "v")).getMessage());
        assertEquals("loader", assertThrows(NullPointerException.class, () -> cache.getAsync("k", null)).getMessage());
        assertThrows(NullPointerException.class, () -> cache.getIfPresent(null));
        assertThrows(NullPointerException.class, () -> cache.invalidate(null));
        TaskCacheBuilder b = TaskCache.builder();
        assertTrue(assertThrows(IllegalArgumentException.class, () -> b.maximumSize(-1)).getMessage()
                .startsWith("maximumSize is -1; expected 0 or more"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> b.expireAfterWrite(Duration.ZERO)).getMessage()
                .startsWith("expireAfterWrite is PT0S; expected a positive duration"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> b.expireAfterAccess(Duration.ofSeconds(-1)))
                .getMessage().startsWith("expireAfterAccess is PT-1S; expected a positive duration"));
        assertThrows(IllegalArgumentException.class, () -> b.name(" "));
        assertThrows(NullPointerException.class, () -> b.executor(null));
        assertTrue(assertThrows(IllegalStateException.class, b::build).getMessage().contains("has no executor"));
    }

    // ---------------------------------------------------------------- properties

    @Property(tries = 40)
    void concurrentCallersRunEachLoaderOncePerKeyAndSeeOneValue(@ForAll @IntRange(min = 2, max = 8) int threads,
            @ForAll @Size(min = 1, max = 30) List<@IntRange(min = 0, max = 9) Integer> keys) throws Exception {
        Map<Integer, AtomicInteger> loads = new ConcurrentHashMap<>();
        ExecutorService callers = Executors.newFixedThreadPool(threads);
        try (TaskExecutor ex = Spindle.builder("cache-prop").backend("threads").parallelism(4).build()) {
            TaskCache<Integer, String> cache = TaskCache.builder().executor(ex).build();
            CountDownLatch go = new CountDownLatch(1);
            List<Future<List<String>>> seen = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int shift = t;
                seen.add(callers.submit(() -> {
                    assertTrue(go.await(WAIT_S, TimeUnit.SECONDS));
                    List<String> values = new ArrayList<>();
                    for (int i = 0; i < keys.size(); i++) {
                        int key = keys.get((i + shift) % keys.size()); // each thread walks the keys from elsewhere
                        values.add(cache.get(key, k -> {
                            loads.computeIfAbsent(k, x -> new AtomicInteger()).incrementAndGet();
                            return new String("v" + k);
                        }));
                    }
                    return values;
                }));
            }
            go.countDown();
            Map<Integer, String> first = new ConcurrentHashMap<>();
            for (int t = 0; t < threads; t++) {
                List<String> values = seen.get(t).get(WAIT_S, TimeUnit.SECONDS);
                for (int i = 0; i < keys.size(); i++) {
                    String v = values.get(i);
                    assertSame(first.computeIfAbsent(keys.get((i + t) % keys.size()), k -> v), v);
                }
            }
        } finally {
            callers.shutdownNow();
        }
        assertEquals(Set.copyOf(keys), loads.keySet());
        loads.forEach((k, n) -> assertEquals(1, n.get(), "loads of key " + k));
    }

    @Property(tries = 50)
    void failedLoadsAreNeverStored(@ForAll @Size(max = 8) List<Boolean> outcomes) {
        try (TaskExecutor ex = Spindle.builder("cache-prop").backend("threads").parallelism(2).build()) {
            TaskCache<String, String> cache = TaskCache.builder().executor(ex).build();
            AtomicInteger calls = new AtomicInteger();
            int firstSuccess = outcomes.indexOf(true);
            for (int i = 0; i < outcomes.size(); i++) {
                try {
                    assertEquals("ok", cache.get("k", k -> {
                        if (!outcomes.get(calls.getAndIncrement())) {
                            throw new IOException("failure " + calls.get());
                        }
                        return "ok";
                    }));
                    assertTrue(firstSuccess >= 0 && i >= firstSuccess);
                } catch (TaskFailedException e) {
                    assertTrue(firstSuccess < 0 || i < firstSuccess);
                }
            }
            assertEquals(firstSuccess < 0 ? outcomes.size() : firstSuccess + 1, calls.get());
        }
    }

    @Property(tries = 50)
    void sizeBoundHoldsAfterMaintenance(@ForAll @IntRange(min = 0, max = 5) int maximumSize,
            @ForAll @Size(max = 40) List<@IntRange(min = 0, max = 19) Integer> keys) {
        try (TaskExecutor ex = Spindle.builder("cache-prop").backend("threads").parallelism(2).build()) {
            TaskCache<Integer, String> cache = TaskCache.builder().executor(ex).maximumSize(maximumSize).build();
            for (int key : keys) {
                assertEquals("v" + key, cache.get(key, k -> "v" + k));
            }
            awaitLoads(cache, cache.stats().misses());
            cache.cleanUp();
            assertEquals(Math.min(maximumSize, Set.copyOf(keys).size()), cache.estimatedSize());
        }
    }
}
