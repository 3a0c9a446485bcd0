package dev.spindle.threads;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.locks.LockSupport;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * The {@code threads} backend's pool on its own: every task runs exactly once on one of its threads, never more at a
 * time than it has threads, and no task is left queued while its threads sleep (the lost wake-up a hand-made pool can
 * have), whatever the number of submitters, the bursts and the pauses between them; and its life cycle.
 */
class FixedPoolTest {

    private static final class TestWorker extends FixedPool.Worker {
        static final AtomicInteger ENDED = new AtomicInteger();

        TestWorker(String name) {
            super(name);
        }

        @Override
        protected void ending() {
            ENDED.incrementAndGet();
        }
    }

    private static FixedPool pool(String name, int size) {
        return new FixedPool(name, size, i -> new TestWorker("fixedpool-" + name + "-" + (i + 1)));
    }

    /**
     * Submitters send bursts of tasks separated by random pauses (long enough, sometimes, for every worker to stop
     * spinning and park). A task left in the queue while the workers sleep would never run: the latch would time out.
     */
    @Property(tries = 60)
    void everyTaskRunsOnceAndNoneIsStranded(@ForAll long seed,
            @ForAll @IntRange(min = 1, max = 4) int size,
            @ForAll @IntRange(min = 1, max = 4) int submitters,
            @ForAll @IntRange(min = 1, max = 40) int bursts,
            @ForAll @IntRange(min = 1, max = 60) int perBurst) throws Exception {
        FixedPool pool = pool("prop", size);
        int total = submitters * bursts * perBurst;
        AtomicIntegerArray runs = new AtomicIntegerArray(total);
        AtomicInteger running = new AtomicInteger();
        AtomicInteger mostAtOnce = new AtomicInteger();
        Set<Thread> threadsSeen = ConcurrentHashMap.newKeySet();
        CountDownLatch done = new CountDownLatch(total);
        Random random = new Random(seed);
        List<Thread> threads = new ArrayList<>();
        for (int s = 0; s < submitters; s++) {
            int first = s * bursts * perBurst;
            long submitterSeed = random.nextLong();
            threads.add(Thread.ofPlatform().start(() -> {
                Random r = new Random(submitterSeed);
                int next = first;
                for (int b = 0; b < bursts; b++) {
                    for (int i = 0; i < perBurst; i++) {
                        int index = next++;
                        int work = r.nextInt(4) == 0 ? r.nextInt(20_000) : 0;
                        pool.execute(() -> {
                            int now = running.incrementAndGet();
                            mostAtOnce.accumulateAndGet(now, Math::max);
                            threadsSeen.add(Thread.currentThread());
                            long spin = System.nanoTime() + work;
                            while (System.nanoTime() < spin) {
                                Thread.onSpinWait();
                            }
                            running.decrementAndGet();
                            runs.incrementAndGet(index);
                            done.countDown();
                        });
                    }
                    // a pause of up to 200 µs: the workers may be running, spinning or parked when the next burst comes
                    LockSupport.parkNanos(r.nextInt(200_000));
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        boolean allRan = done.await(20, TimeUnit.SECONDS);
        pool.shutdown();
        assertTrue(pool.awaitTermination(Duration.ofSeconds(10)), "threads did not end after shutdown");
        assertTrue(allRan, (total - done.getCount()) + " of " + total + " tasks ran; the rest were stranded");
        for (int i = 0; i < total; i++) {
            assertEquals(1, runs.get(i), "task " + i + " ran " + runs.get(i) + " times");
        }
        assertTrue(mostAtOnce.get() <= size, mostAtOnce.get() + " tasks ran at once on a pool of " + size);
        assertTrue(threadsSeen.size() <= size, threadsSeen.size() + " threads ran tasks of a pool of " + size);
        for (Thread t : threadsSeen) {
            assertTrue(t instanceof TestWorker, "a task ran on " + t);
            assertFalse(t.isAlive(), t + " is still alive after the pool ended");
        }
    }

    /**
     * One task at a time, each waited for, with pauses on either side of the spin time: the submitter finds the
     * workers in every state (spinning, parking, parked). Bounded: 20,000 round trips or 15 s.
     */
    @Test
    void roundTripsNeverStall() throws Exception {
        FixedPool pool = pool("roundtrip", 2);
        Random random = new Random(42);
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        int trips = 0;
        try {
            while (trips < 20_000 && System.nanoTime() < end) {
                CountDownLatch ran = new CountDownLatch(1);
                pool.execute(ran::countDown);
                assertTrue(ran.await(10, TimeUnit.SECONDS), "round trip " + trips + " stalled: the task was not run");
                trips++;
                if (random.nextInt(8) == 0) {
                    LockSupport.parkNanos(random.nextInt(120_000)); // past the spin time, sometimes
                }
            }
        } finally {
            pool.shutdown();
        }
        assertTrue(pool.awaitTermination(Duration.ofSeconds(10)));
        assertTrue(trips >= 1_000, "only " + trips + " round trips in 15 s");
    }

    @Test
    void shutdownRunsWhatIsQueuedThenEndsTheThreads() throws Exception {
        FixedPool pool = pool("shutdown", 2);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch blocked = new CountDownLatch(2);
        AtomicInteger ran = new AtomicInteger();
        for (int i = 0; i < 2; i++) {
            pool.execute(() -> {
                blocked.countDown();
                awaitQuietly(release);
                ran.incrementAndGet();
            });
        }
        assertTrue(blocked.await(10, TimeUnit.SECONDS));
        for (int i = 0; i < 100; i++) {
            pool.execute(ran::incrementAndGet); // queued behind the two blocked tasks
        }
        pool.shutdown();
        assertFalse(pool.awaitTermination(Duration.ofMillis(1)), "ended while two tasks were still running");
        release.countDown();
        assertTrue(pool.awaitTermination(Duration.ofSeconds(10)));
        assertEquals(102, ran.get(), "shutdown must run what was queued before it");
        assertEquals(0, pool.liveThreads());
    }

    @Test
    void shutdownEndsIdleThreadsAtOnceAndABusyOneAfterItsTask() throws Exception {
        FixedPool pool = pool("now", 3);
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        pool.execute(() -> {
            started.countDown();
            awaitQuietly(release);
        });
        assertTrue(started.await(10, TimeUnit.SECONDS));
        pool.shutdown(); // two threads are idle: they end now
        assertFalse(pool.awaitTermination(Duration.ofMillis(1)));
        release.countDown();
        assertTrue(pool.awaitTermination(Duration.ofSeconds(10)));
        assertEquals(0, pool.liveThreads());
    }

    @Test
    void aPoolNeverUsedEndsAtOnceAndRefusesWorkAfterwards() throws Exception {
        int endedBefore = TestWorker.ENDED.get();
        FixedPool pool = pool("unused", 4);
        pool.shutdown();
        assertTrue(pool.awaitTermination(Duration.ZERO));
        RejectedExecutionException e = assertThrows(RejectedExecutionException.class, () -> pool.execute(() -> { }));
        assertTrue(e.getMessage().contains("'unused'"), e.getMessage());
        assertEquals(endedBefore, TestWorker.ENDED.get(), "no thread was ever started");
    }

    @Test
    void anErrorEscapingATaskDoesNotEndItsThread() throws Exception {
        FixedPool pool = pool("error", 1);
        CountDownLatch second = new CountDownLatch(1);
        AtomicBoolean sameThread = new AtomicBoolean();
        Thread[] first = new Thread[1];
        pool.execute(() -> {
            first[0] = Thread.currentThread();
            throw new IllegalStateException("expected by the test: escapes the task");
        });
        pool.execute(() -> {
            sameThread.set(Thread.currentThread() == first[0]);
            second.countDown();
        });
        assertTrue(second.await(10, TimeUnit.SECONDS), "the pool's only thread died with the first task");
        assertTrue(sameThread.get());
        pool.shutdown();
        assertTrue(pool.awaitTermination(Duration.ofSeconds(10)));
    }

    /**
     * A task that leaves its thread interrupted: the next task on that thread starts without the flag, and the thread
     * then parks (a stale flag would make park return at once, and the thread would spin forever).
     */
    @Test
    void aStaleInterruptNeitherReachesTheNextTaskNorKeepsTheThreadAwake() throws Exception {
        FixedPool pool = pool("interrupt", 1);
        AtomicBoolean nextSawFlag = new AtomicBoolean(true);
        CountDownLatch done = new CountDownLatch(1);
        Thread[] worker = new Thread[1];
        pool.execute(() -> {
            worker[0] = Thread.currentThread();
            Thread.currentThread().interrupt();
        });
        pool.execute(() -> {
            nextSawFlag.set(Thread.currentThread().isInterrupted());
            Thread.currentThread().interrupt(); // left set again: the idle thread must still park
            done.countDown();
        });
        assertTrue(done.await(10, TimeUnit.SECONDS));
        assertFalse(nextSawFlag.get(), "the next task started with the previous task's interrupt");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (worker[0].getState() != Thread.State.WAITING && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertEquals(Thread.State.WAITING, worker[0].getState(), "the idle thread never parked");
        pool.shutdown();
        assertTrue(pool.awaitTermination(Duration.ofSeconds(10)));
    }

    @Test
    void threadsThatCannotStartLeaveAPoolOfTheOthersOrARefusal() throws Exception {
        AtomicInteger made = new AtomicInteger();
        FixedPool some = new FixedPool("some", 3, i -> {
            if (i == 1) {
                throw new OutOfMemoryError("expected by the test: unable to create native thread");
            }
            made.incrementAndGet();
            return new TestWorker("fixedpool-some-" + i);
        });
        CountDownLatch ran = new CountDownLatch(10);
        for (int i = 0; i < 10; i++) {
            some.execute(ran::countDown);
        }
        assertTrue(ran.await(10, TimeUnit.SECONDS));
        assertEquals(2, made.get());
        some.shutdown();
        assertTrue(some.awaitTermination(Duration.ofSeconds(10)), "a thread that never started was waited for");

        FixedPool none = new FixedPool("none", 2, i -> {
            throw new OutOfMemoryError("expected by the test: unable to create native thread");
        });
        RejectedExecutionException e = assertThrows(RejectedExecutionException.class, () -> none.execute(() -> { }));
        assertTrue(e.getMessage().contains("'none'") && e.getMessage().contains("could not start any of its 2 threads"),
                e.getMessage());
        assertTrue(none.awaitTermination(Duration.ZERO));
        RejectedExecutionException again = assertThrows(RejectedExecutionException.class,
                () -> none.execute(() -> { }));
        assertTrue(again.getMessage().equals("executor 'none' could not start any of its 2 threads (java.lang."
                + "OutOfMemoryError: expected by the test: unable to create native thread); it accepts no more tasks"),
                again.getMessage());
    }

    /**
     * The index where wake-up scans start must never run past {@code int}: set just below the limit, many wake-ups
     * later every task has still run and no submission failed (it once grew by one per wake-up: after 2^31 of them every
     * submit would have thrown).
     */
    @Test
    void theWakeUpScanIndexNeverOverflows() throws Exception {
        FixedPool pool = pool("wrap", 3);
        CountDownLatch first = new CountDownLatch(1);
        pool.execute(first::countDown); // starts the threads
        assertTrue(first.await(10, TimeUnit.SECONDS));
        java.lang.reflect.Field from = FixedPool.class.getDeclaredField("wakeFrom");
        from.setAccessible(true);
        from.setInt(pool, Integer.MAX_VALUE - 1);
        int tasks = 200;
        CountDownLatch ran = new CountDownLatch(tasks);
        for (int i = 0; i < tasks; i++) {
            pool.execute(ran::countDown);
            if (i % 10 == 0) {
                LockSupport.parkNanos(100_000); // past the spin time, sometimes: workers park, the next submit wakes one
            }
        }
        assertTrue(ran.await(10, TimeUnit.SECONDS), (tasks - ran.getCount()) + " of " + tasks + " tasks ran");
        int at = from.getInt(pool);
        assertTrue(at >= 0 && at < 3, "wake-up scans start at " + at);
        pool.shutdown();
        assertTrue(pool.awaitTermination(Duration.ofSeconds(10)));
    }

    /**
     * A submit racing a stop either is refused or its task runs: never accepted and then left in the queue of a pool
     * whose threads ended. Bounded: 3,000 races or 15 s.
     */
    @Test
    void aSubmitRacingAStopIsRefusedOrRun() throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        Random random = new Random(7);
        int races = 0;
        while (races < 3_000 && System.nanoTime() < end) {
            FixedPool pool = pool("race", 1);
            CountDownLatch warm = new CountDownLatch(1);
            pool.execute(warm::countDown);
            assertTrue(warm.await(10, TimeUnit.SECONDS));
            AtomicBoolean ran = new AtomicBoolean();
            AtomicBoolean refused = new AtomicBoolean();
            CountDownLatch go = new CountDownLatch(1);
            int delay = random.nextInt(2_000);
            Thread submitter = Thread.ofPlatform().start(() -> {
                awaitQuietly(go);
                for (long spin = System.nanoTime() + delay; System.nanoTime() < spin; ) {
                    Thread.onSpinWait();
                }
                try {
                    pool.execute(() -> ran.set(true));
                } catch (RejectedExecutionException e) {
                    refused.set(true);
                }
            });
            go.countDown();
            pool.shutdown();
            submitter.join();
            assertTrue(pool.awaitTermination(Duration.ofSeconds(10)));
            assertTrue(ran.get() != refused.get(), "race " + races + ": ran=" + ran.get() + ", refused=" + refused.get());
            races++;
        }
        assertTrue(races >= 100, "only " + races + " races in 15 s");
    }

    /** Any failure to start a thread (not only OutOfMemoryError) leaves a pool of the others and no stray thread. */
    @Test
    void anyErrorStartingAThreadLeavesNoOrphan() throws Exception {
        List<Thread> made = new ArrayList<>();
        FixedPool pool = new FixedPool("soe", 3, i -> {
            if (i == 1) {
                throw new StackOverflowError("expected by the test");
            }
            TestWorker w = new TestWorker("fixedpool-soe-" + i);
            made.add(w);
            return w;
        });
        CountDownLatch ran = new CountDownLatch(20);
        for (int i = 0; i < 20; i++) {
            pool.execute(ran::countDown); // a second start would make more threads
        }
        assertTrue(ran.await(10, TimeUnit.SECONDS));
        assertEquals(2, made.size(), "threads made: " + made);
        pool.shutdown();
        assertTrue(pool.awaitTermination(Duration.ofSeconds(10)));
        for (Thread t : made) {
            assertFalse(t.isAlive(), t + " outlived the pool");
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
