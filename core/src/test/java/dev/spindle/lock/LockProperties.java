package dev.spindle.lock;

import dev.spindle.Spindle;
import dev.spindle.TaskCancelledException;
import dev.spindle.TaskExecutor;
import dev.spindle.TaskHandle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * Random operation sequences on 2–8 threads (acquire, timed acquire, try-acquire, re-entry, cancel while waiting):
 * mutual exclusion holds, permits are conserved, reentrancy balances, no waiter is lost, over-release is refused.
 * Each run is bounded: operations are few and every wait has a limit.
 */
class LockProperties {

    @Property(tries = 60)
    void mutexesExcludeEachOtherUnderRandomSchedules(@ForAll long seed, @ForAll @IntRange(min = 2, max = 8) int threads,
            @ForAll boolean reentrant) throws Exception {
        Random random = new Random(seed);
        Mutex mutex = new Mutex("m");
        ReentrantMutex rmutex = new ReentrantMutex("r", random.nextBoolean());
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger violations = new AtomicInteger();
        AtomicInteger entered = new AtomicInteger();
        try (TaskExecutor ex = Spindle.builder("lockprop").backend("threads").parallelism(threads).build()) {
            List<TaskHandle<Object>> handles = new ArrayList<>();
            for (int t = 0; t < threads * 3; t++) {
                long taskSeed = random.nextLong();
                handles.add(ex.submit(() -> {
                    Random r = new Random(taskSeed);
                    for (int op = 0; op < 10; op++) {
                        Held held;
                        switch (r.nextInt(3)) {
                            case 0 -> held = reentrant ? rmutex.acquire() : mutex.acquire();
                            case 1 -> {
                                try {
                                    held = reentrant ? rmutex.acquire(Duration.ofNanos(r.nextInt(200_000)))
                                            : mutex.acquire(Duration.ofNanos(r.nextInt(200_000)));
                                } catch (TimeoutException e) {
                                    continue;
                                }
                            }
                            default -> {
                                var maybe = reentrant ? rmutex.tryAcquire() : mutex.tryAcquire();
                                if (maybe.isEmpty()) {
                                    continue;
                                }
                                held = maybe.get();
                            }
                        }
                        try (held) {
                            if (inside.incrementAndGet() != 1) {
                                violations.incrementAndGet();
                            }
                            entered.incrementAndGet();
                            if (reentrant) {
                                int depth = r.nextInt(3);
                                for (int d = 0; d < depth; d++) {
                                    rmutex.lock();
                                }
                                if (rmutex.holdCount() != depth + 1) {
                                    violations.incrementAndGet();
                                }
                                for (int d = 0; d < depth; d++) {
                                    rmutex.unlock();
                                }
                            }
                            Thread.onSpinWait();
                            inside.decrementAndGet();
                        }
                        if (reentrant && rmutex.holdCount() != 0) {
                            violations.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            // cancel some tasks at random points, possibly while they wait for the lock
            for (TaskHandle<Object> h : handles) {
                if (random.nextInt(4) == 0) {
                    h.cancel();
                }
            }
            for (TaskHandle<Object> h : handles) {
                try {
                    h.get(Duration.ofSeconds(30));
                } catch (TaskCancelledException expected) {
                    // cancelled above
                }
            }
        }
        if (violations.get() != 0) {
            throw new AssertionError(violations.get() + " violations of mutual exclusion or reentrancy");
        }
        if (mutex.isLocked() || rmutex.isLocked()) {
            throw new AssertionError("a lock was leaked: mutex " + mutex.isLocked() + ", reentrant " + rmutex.isLocked());
        }
    }

    @Property(tries = 60)
    void semaphorePermitsAreConserved(@ForAll long seed, @ForAll @IntRange(min = 2, max = 8) int threads,
            @ForAll @IntRange(min = 1, max = 4) int permits) throws Exception {
        Random random = new Random(seed);
        BoundedSemaphore sem = new BoundedSemaphore("s", permits);
        AtomicInteger holders = new AtomicInteger();
        AtomicInteger worst = new AtomicInteger();
        try (TaskExecutor ex = Spindle.builder("semprop").backend("threads").parallelism(threads).build()) {
            List<TaskHandle<Object>> handles = new ArrayList<>();
            for (int t = 0; t < threads * 2; t++) {
                long taskSeed = random.nextLong();
                handles.add(ex.submit(() -> {
                    Random r = new Random(taskSeed);
                    for (int op = 0; op < 10; op++) {
                        Held held;
                        if (r.nextBoolean()) {
                            held = sem.acquire();
                        } else {
                            try {
                                held = sem.acquire(Duration.ofNanos(r.nextInt(100_000)));
                            } catch (TimeoutException e) {
                                continue;
                            }
                        }
                        try (held) {
                            worst.accumulateAndGet(holders.incrementAndGet(), Math::max);
                            Thread.onSpinWait();
                            holders.decrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            for (TaskHandle<Object> h : handles) {
                if (random.nextInt(4) == 0) {
                    h.cancel();
                }
            }
            for (TaskHandle<Object> h : handles) {
                try {
                    h.get(Duration.ofSeconds(30));
                } catch (TaskCancelledException expected) {
                    // cancelled above
                }
            }
        }
        if (worst.get() > permits) {
            throw new AssertionError(worst.get() + " holders with " + permits + " permits");
        }
        if (sem.available() != permits) {
            throw new AssertionError("permits leaked or invented: " + sem.available() + " of " + permits + " free");
        }
        try {
            sem.release();
            throw new AssertionError("over-release was accepted");
        } catch (IllegalStateException expected) {
            // refused, as it must be
        }
    }

    @Property(tries = 40)
    void anEventLosesNoWaiter(@ForAll @IntRange(min = 1, max = 16) int waiters, @ForAll boolean clearAfterSet)
            throws Exception {
        Event ev = new Event();
        try (TaskExecutor ex = Spindle.builder("eventprop").backend("threads").parallelism(waiters).build()) {
            List<TaskHandle<Boolean>> handles = new ArrayList<>();
            for (int i = 0; i < waiters; i++) {
                handles.add(ex.submit(() -> ev.await(Duration.ofSeconds(30))));
            }
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (ev.waiting() < waiters && System.nanoTime() < until) {
                Thread.onSpinWait(); // every waiter parked: the set() below must reach each of them
            }
            ev.set();
            if (clearAfterSet) {
                ev.clear(); // at once: a woken waiter must still return true
            }
            for (TaskHandle<Boolean> h : handles) {
                if (!h.get(Duration.ofSeconds(40))) {
                    throw new AssertionError("a waiter missed set()" + (clearAfterSet ? " followed by clear()" : ""));
                }
            }
        }
    }

    @Property(tries = 30)
    void theLockOrderCheckerFindsEveryPlantedCycle(@ForAll @IntRange(min = 2, max = 4) int length,
            @ForAll long seed) throws Exception {
        LockOrder.reset();
        LockOrder.enable();
        try {
            List<ReentrantMutex> locks = new ArrayList<>();
            for (int i = 0; i < length; i++) {
                locks.add(new ReentrantMutex("L" + i, false));
            }
            // plant the cycle L0 -> L1 -> ... -> L(n-1) -> L0, each edge from its own thread
            Random random = new Random(seed);
            for (int i = 0; i < length - 1; i++) {
                ReentrantMutex a = locks.get(i);
                ReentrantMutex b = locks.get(i + 1);
                runOnNewThread(() -> {
                    try (Held x = a.acquire(); Held y = b.acquire()) {
                        Thread.onSpinWait();
                    }
                });
            }
            ReentrantMutex last = locks.get(length - 1);
            ReentrantMutex first = locks.get(0);
            Throwable thrown = runOnNewThread(() -> {
                try (Held x = last.acquire(); Held y = first.acquire()) {
                    Thread.onSpinWait();
                }
            });
            if (!(thrown instanceof PotentialDeadlockException e)) {
                throw new AssertionError("the cycle of length " + length + " was not reported: " + thrown);
            }
            if (!e.getMessage().contains("'L0'") || !e.getMessage().contains("'L" + (length - 1) + "'")) {
                throw new AssertionError("the report names both locks: " + e.getMessage());
            }
            if (first.isLocked() || last.isLocked()) {
                throw new AssertionError("a refused acquisition leaked a lock");
            }
            random.nextInt();
        } finally {
            LockOrder.disable();
            LockOrder.reset();
        }
    }

    @Property(tries = 30)
    void theLockOrderCheckerReportsNothingOnAcyclicOrders(@ForAll long seed,
            @ForAll @IntRange(min = 2, max = 6) int count, @ForAll @IntRange(min = 2, max = 4) int threads)
            throws Exception {
        LockOrder.reset();
        LockOrder.enable();
        try {
            List<Mutex> locks = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                locks.add(new Mutex("A" + i));
            }
            Random random = new Random(seed);
            List<Thread> ts = new ArrayList<>();
            List<Throwable> problems = java.util.Collections.synchronizedList(new ArrayList<>());
            for (int t = 0; t < threads; t++) {
                long s = random.nextLong();
                ts.add(Thread.ofPlatform().start(() -> {
                    Random r = new Random(s);
                    try {
                        for (int round = 0; round < 20; round++) {
                            // any subset, always taken in ascending index order: acyclic by construction
                            List<Held> holds = new ArrayList<>();
                            for (Mutex m : locks) {
                                if (r.nextBoolean()) {
                                    holds.add(m.acquire());
                                }
                            }
                            for (int i = holds.size() - 1; i >= 0; i--) {
                                holds.get(i).close();
                            }
                        }
                    } catch (Throwable e) {
                        problems.add(e);
                    }
                }));
            }
            for (Thread t : ts) {
                t.join(TimeUnit.SECONDS.toMillis(30));
            }
            if (!problems.isEmpty()) {
                throw new AssertionError("false report on an acyclic order", problems.get(0));
            }
        } finally {
            LockOrder.disable();
            LockOrder.reset();
        }
    }

    private static Throwable runOnNewThread(Runnable r) throws InterruptedException {
        Throwable[] out = new Throwable[1];
        Thread t = Thread.ofPlatform().start(() -> {
            try {
                r.run();
            } catch (Throwable e) {
                out[0] = e;
            }
        });
        t.join(TimeUnit.SECONDS.toMillis(30));
        return out[0];
    }
}
