package dev.spindle.testkit.eventloop;

import dev.spindle.eventloop.*;

import dev.spindle.TaskHandle;
import dev.spindle.lock.Held;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * Ordering on the loop and the async primitives, over random producers, sizes and cancel points: steps of one
 * producer run in its order; no permit is leaked or invented; no item is lost or duplicated; no waiter is lost.
 */
class EventLoopPropertiesTest {

    @Property(tries = 40)
    void stepsOfOneProducerRunInSubmissionOrder(@ForAll @IntRange(min = 1, max = 4) int producers,
            @ForAll @IntRange(min = 1, max = 500) int perProducer) throws Exception {
        assertEachProducersStepsRunInOrder(producers, perProducer, (loop, step, p, i) -> loop.submit(() -> {
            step.run();
            return null;
        }));
    }

    /**
     * The three ways in (a task, a plain {@code execute} step, {@code runOnLoop}) share one queue: a producer that
     * mixes them still sees its steps run in the order it submitted them.
     */
    @Property(tries = 30)
    void stepsOfOneProducerRunInSubmissionOrderWhateverWayTheyEnter(@ForAll long seed,
            @ForAll @IntRange(min = 1, max = 4) int producers, @ForAll @IntRange(min = 1, max = 400) int perProducer)
            throws Exception {
        assertEachProducersStepsRunInOrder(producers, perProducer, (loop, step, p, i) -> {
            switch (new java.util.SplittableRandom(seed + 1_000_003L * p + i).nextInt(3)) {
                case 0 -> loop.submit(() -> {
                    step.run();
                    return null;
                });
                case 1 -> loop.execute(step);
                default -> loop.runOnLoop(step);
            }
        });
    }

    /** How producer {@code p} hands its {@code i}-th step to the loop. */
    private interface Way {
        void submit(EventLoop loop, Runnable step, int p, int i);
    }

    private static void assertEachProducersStepsRunInOrder(int producers, int perProducer, Way way) throws Exception {
        EventLoop loop = new EventLoop("order", java.time.Duration.ZERO, false, 4);
        List<long[]> seen = new ArrayList<>(); // touched only on the loop
        try {
            List<Thread> threads = new ArrayList<>();
            for (int p = 0; p < producers; p++) {
                int producer = p;
                threads.add(Thread.ofPlatform().start(() -> {
                    for (int i = 0; i < perProducer; i++) {
                        long[] step = {producer, i};
                        way.submit(loop, () -> seen.add(step), producer, i);
                    }
                }));
            }
            for (Thread t : threads) {
                t.join(TimeUnit.SECONDS.toMillis(30));
            }
        } finally {
            loop.close();
        }
        if (seen.size() != producers * perProducer) {
            throw new AssertionError("ran " + seen.size() + " of " + producers * perProducer + " steps");
        }
        long[] last = new long[producers];
        java.util.Arrays.fill(last, -1);
        for (long[] s : seen) {
            if (s[1] != last[(int) s[0]] + 1) {
                throw new AssertionError("producer " + s[0] + ": step " + s[1] + " ran after step " + last[(int) s[0]]);
            }
            last[(int) s[0]] = s[1];
        }
    }

    /**
     * {@code execute} racing {@code close()} from other threads: each call either throws
     * {@link java.util.concurrent.RejectedExecutionException} or its step runs, exactly once. A step is never
     * accepted and then silently lost, even when it arrives while the loop ends.
     */
    @Property(tries = 40)
    void executeRacingCloseEitherRunsOrIsRejected(@ForAll @IntRange(min = 1, max = 4) int producers,
            @ForAll @IntRange(min = 0, max = 300) int closeAfter) throws Exception {
        EventLoop loop = new EventLoop("racing-close", java.time.Duration.ZERO, false, 4);
        AtomicInteger ran = new AtomicInteger();
        AtomicInteger accepted = new AtomicInteger();
        java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            threads.add(Thread.ofPlatform().start(() -> {
                try {
                    go.await();
                    for (int i = 0; i < 100_000; i++) {
                        loop.execute(ran::incrementAndGet);
                        accepted.incrementAndGet();
                    }
                } catch (java.util.concurrent.RejectedExecutionException e) {
                    // the loop is closing: this producer stops
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
        }
        go.countDown();
        while (accepted.get() < closeAfter && threads.stream().anyMatch(Thread::isAlive)) {
            Thread.onSpinWait();
        }
        loop.close();
        for (Thread t : threads) {
            t.join(TimeUnit.SECONDS.toMillis(30));
            if (t.isAlive()) {
                throw new AssertionError("a producer is still running 30 s after close()");
            }
        }
        if (!loop.isTerminated()) {
            throw new AssertionError("close() returned but the loop is not terminated");
        }
        if (ran.get() != accepted.get()) {
            throw new AssertionError(accepted.get() + " execute() calls returned normally but " + ran.get()
                    + " steps ran");
        }
    }

    @Property(tries = 60)
    void asyncSemaphoreNeitherLeaksNorInventsPermits(@ForAll long seed, @ForAll @IntRange(min = 1, max = 4) int permits,
            @ForAll @IntRange(min = 1, max = 60) int acquirers) throws Exception {
        Random random = new Random(seed);
        AsyncSemaphore sem = new AsyncSemaphore("s", permits);
        AtomicInteger holders = new AtomicInteger();
        AtomicInteger worst = new AtomicInteger();
        List<CompletableFuture<Held>> waits = new ArrayList<>();
        List<Held> held = Collections.synchronizedList(new ArrayList<>());
        for (int i = 0; i < acquirers; i++) {
            CompletableFuture<Held> w = sem.acquire().toCompletableFuture();
            waits.add(w);
            w.thenAccept(h -> {
                worst.accumulateAndGet(holders.incrementAndGet(), Math::max);
                held.add(h);
            });
            switch (random.nextInt(3)) {
                case 0 -> w.cancel(false); // may lose against a grant: then it holds a permit like the others
                case 1 -> releaseOne(held, holders);
                default -> { }
            }
        }
        // release everything that was granted, including permits granted during the releases
        while (true) {
            if (!releaseOne(held, holders)) {
                boolean waiting = false;
                for (CompletableFuture<Held> w : waits) {
                    waiting |= !w.isDone();
                }
                if (!waiting) {
                    break;
                }
                throw new AssertionError("a waiter is still waiting with every permit free: a lost wake-up");
            }
        }
        if (worst.get() > permits) {
            throw new AssertionError(worst.get() + " holders with " + permits + " permits");
        }
        if (sem.available() != permits || sem.waiting() != 0) {
            throw new AssertionError("after all releases " + sem.available() + " of " + permits + " permits are free, "
                    + sem.waiting() + " waiting");
        }
    }

    private static boolean releaseOne(List<Held> held, AtomicInteger holders) {
        Held h;
        synchronized (held) {
            if (held.isEmpty()) {
                return false;
            }
            h = held.remove(0);
        }
        holders.decrementAndGet();
        h.close();
        return true;
    }

    /**
     * FIFO fairness: with every permit held, waiters are granted in the order they asked, and a waiter cancelled
     * while it waits leaves the line without being granted (the next one is served instead).
     */
    @Property(tries = 60)
    void asyncMutexAndSemaphoreServeWaitersInArrivalOrderSkippingCancelledOnes(@ForAll long seed,
            @ForAll boolean mutex, @ForAll @IntRange(min = 1, max = 3) int semaphorePermits,
            @ForAll @IntRange(min = 0, max = 40) int waiters) {
        Random random = new Random(seed);
        int permits = mutex ? 1 : semaphorePermits;
        AsyncMutex m = new AsyncMutex("fifo");
        AsyncSemaphore sem = new AsyncSemaphore("fifo", permits);
        java.util.function.Supplier<CompletionStage<Held>> acquire = mutex ? m::acquire : sem::acquire;
        java.util.ArrayDeque<Held> toRelease = new java.util.ArrayDeque<>();
        for (int i = 0; i < permits; i++) {
            toRelease.add(acquire.get().toCompletableFuture().join()); // every permit is now held
        }
        List<Integer> granted = new ArrayList<>();
        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < waiters; i++) {
            int me = i;
            CompletableFuture<Held> w = acquire.get().toCompletableFuture();
            w.thenAccept(h -> { // runs on the releasing call below, which hands the permit over
                granted.add(me);
                toRelease.add(h);
            });
            if (random.nextInt(4) == 0) {
                if (!w.cancel(false)) {
                    throw new AssertionError("waiter " + i + " could not be cancelled while every permit was held");
                }
            } else {
                expected.add(i);
            }
        }
        while (!toRelease.isEmpty()) {
            toRelease.poll().close(); // one release at a time: each grants at most the next waiter in line
        }
        if (!granted.equals(expected)) {
            throw new AssertionError("granted in the order " + granted + ", expected " + expected);
        }
        boolean free = mutex ? !m.isLocked() : sem.available() == permits && sem.waiting() == 0;
        if (!free) {
            throw new AssertionError("after every release the " + (mutex ? "mutex" : "semaphore") + " is not free");
        }
    }

    @Property(tries = 60)
    void asyncQueueLosesAndDuplicatesNothing(@ForAll long seed, @ForAll @IntRange(min = 1, max = 5) int capacity,
            @ForAll @IntRange(min = 0, max = 80) int items) throws Exception {
        Random random = new Random(seed);
        AsyncQueue<Integer> q = new AsyncQueue<>(capacity);
        List<CompletableFuture<Void>> puts = new ArrayList<>();
        List<CompletableFuture<Integer>> takes = new ArrayList<>();
        for (int i = 0; i < items; i++) {
            puts.add(q.put(i).toCompletableFuture());
            if (random.nextInt(4) == 0) {
                puts.get(i).cancel(false);
            }
            if (random.nextBoolean()) {
                CompletableFuture<Integer> t = q.take().toCompletableFuture();
                takes.add(t);
                if (random.nextInt(5) == 0) {
                    t.cancel(false);
                }
            }
        }
        // drain: take until every put that went through has been taken
        List<Integer> got = new ArrayList<>();
        for (CompletableFuture<Integer> t : takes) {
            if (!t.isCancelled()) {
                if (!t.isDone()) {
                    t.cancel(false); // nothing more will arrive for it unless a put is still waiting
                }
                if (t.isDone() && !t.isCancelled()) {
                    got.add(t.get());
                }
            }
        }
        for (var next = q.poll(); next.isPresent(); next = q.poll()) {
            got.add(next.get());
        }
        List<Integer> accepted = new ArrayList<>();
        for (int i = 0; i < puts.size(); i++) {
            CompletableFuture<Void> p = puts.get(i);
            if (p.isDone() && !p.isCancelled()) {
                accepted.add(i);
            } else if (!p.isDone()) {
                throw new AssertionError("put of " + i + " still waits although the queue was drained");
            }
        }
        Map<Integer, Integer> counts = new HashMap<>();
        for (Integer g : got) {
            counts.merge(g, 1, Integer::sum);
        }
        for (var e : counts.entrySet()) {
            if (e.getValue() > 1) {
                throw new AssertionError("item " + e.getKey() + " was taken " + e.getValue() + " times");
            }
        }
        if (!new java.util.TreeSet<>(got).equals(new java.util.TreeSet<>(accepted))) {
            throw new AssertionError("taken " + new java.util.TreeSet<>(got) + " but accepted " + accepted);
        }
        List<Integer> sorted = new ArrayList<>(got);
        Collections.sort(sorted);
        if (!sorted.equals(got)) {
            throw new AssertionError("items left the queue out of FIFO order: " + got);
        }
    }

    @Property(tries = 30)
    void everyAsyncEventWaiterIsWoken(@ForAll @IntRange(min = 0, max = 50) int waiters,
            @ForAll boolean clearAtOnce, @ForAll @IntRange(min = 0, max = 50) int cancelEvery) throws Exception {
        AsyncEvent ev = new AsyncEvent();
        List<CompletableFuture<Void>> ws = new ArrayList<>();
        for (int i = 0; i < waiters; i++) {
            ws.add(ev.await().toCompletableFuture());
            if (cancelEvery > 0 && i % cancelEvery == 0) {
                ws.get(i).cancel(false);
            }
        }
        ev.set();
        if (clearAtOnce) {
            ev.clear();
        }
        for (CompletableFuture<Void> w : ws) {
            if (!w.isDone()) {
                throw new AssertionError("a waiter present at set() was not woken");
            }
        }
        CompletionStage<Void> late = ev.await();
        if (clearAtOnce == late.toCompletableFuture().isDone()) {
            throw new AssertionError("a waiter after " + (clearAtOnce ? "clear()" : "set()") + " saw the wrong state");
        }
    }

    @Property(tries = 20)
    void asyncTasksOnTheLoopAllFinish(@ForAll @IntRange(min = 1, max = 200) int tasks) throws Exception {
        EventLoop loop = new EventLoop("many", java.time.Duration.ZERO, false, 4);
        try {
            List<TaskHandle<Integer>> hs = new ArrayList<>();
            for (int i = 0; i < tasks; i++) {
                int k = i;
                hs.add(loop.submitAsync(() -> loop.sleep(java.time.Duration.ofMillis(k % 5)).thenApply(v -> k)));
            }
            for (int i = 0; i < tasks; i++) {
                if (hs.get(i).get(java.time.Duration.ofSeconds(30)) != i) {
                    throw new AssertionError("task " + i + " returned the wrong value");
                }
            }
        } finally {
            loop.close();
        }
    }
}
