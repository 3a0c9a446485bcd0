package dev.spindle.virtual;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.Cancellation;
import dev.spindle.Spindle;
import dev.spindle.TaskExecutor;
import dev.spindle.TaskGroup;
import dev.spindle.TaskHandle;
import dev.spindle.TaskState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** What the virtual backend promises beyond the shared contract. */
class VirtualExecutorTest {

    @Test
    void eachTaskRunsOnItsOwnVirtualThreadNamedAfterTheExecutorAndTask() {
        try (TaskExecutor ex = Spindle.builder("io").backend("virtual").build()) {
            AtomicReference<Thread> seen = new AtomicReference<>();
            TaskHandle<Object> h = ex.submit(() -> {
                seen.set(Thread.currentThread());
                return null;
            });
            h.join();
            assertTrue(seen.get().isVirtual());
            assertEquals("io#" + h.id(), seen.get().getName());
        }
    }

    @Test
    void withoutTaskThreadNamesEveryThreadSharesTheExecutorsNameAndTasksStillFindThemselves() throws Exception {
        try (TaskExecutor ex = Spindle.builder("quiet").backend("virtual").set("taskThreadNames", "false").build()) {
            java.util.Queue<Thread> threads = new java.util.concurrent.ConcurrentLinkedQueue<>();
            List<TaskHandle<Object>> handles = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                handles.add(ex.submit(() -> {
                    threads.add(Thread.currentThread());
                    return dev.spindle.spi.TaskRun.current(); // the handler still names the task
                }));
            }
            for (TaskHandle<Object> h : handles) {
                assertSame(h, h.join(), "each task finds itself on its thread");
            }
            assertEquals(3, threads.size());
            String first = threads.peek().getName();
            assertEquals("quiet", first);
            for (Thread t : threads) {
                assertTrue(t.isVirtual());
                assertSame(first, t.getName(), "one string for every thread, not one per task");
            }
        }
    }

    @Test
    void aTaskThreadNamesValueOtherThanTrueOrFalseIsRefusedNamingTheKey() {
        var e = org.junit.jupiter.api.Assertions.assertThrows(dev.spindle.SpindleConfigException.class,
                () -> Spindle.builder("quiet").backend("virtual").set("taskThreadNames", "sometimes").build());
        assertTrue(e.getMessage().contains("spindle.executor.quiet.taskThreadNames"), e.getMessage());
        assertTrue(e.getMessage().contains("sometimes"), e.getMessage());
    }

    @Test
    void aTaskSeesItselfAndItsCancellationOnItsThreadAndTheThreadReportsLikeTheDefault() throws Exception {
        try (TaskExecutor ex = Spindle.builder("self").backend("virtual").build()) {
            CountDownLatch running = new CountDownLatch(1);
            AtomicReference<Object> seen = new AtomicReference<>();
            TaskHandle<Boolean> h = ex.submit(() -> {
                seen.set(dev.spindle.spi.TaskRun.current());
                running.countDown();
                while (!Cancellation.isCancelled()) { // the task's own cancellation, found without a thread-local
                    Thread.onSpinWait();
                }
                return true;
            });
            assertTrue(running.await(30, TimeUnit.SECONDS));
            assertSame(h, seen.get(), "TaskRun.current() on the task's thread is the task");
            h.cancel();
            assertEquals(TaskState.CANCELLED, h.taskState());

            // the thread's handler (Spindle's) reports an uncaught error as the JVM's default would: to the default
            Thread.UncaughtExceptionHandler before = Thread.getDefaultUncaughtExceptionHandler();
            List<Throwable> reported = new java.util.concurrent.CopyOnWriteArrayList<>();
            Thread.setDefaultUncaughtExceptionHandler((t, e) -> reported.add(e));
            try {
                IllegalStateException boom = new IllegalStateException("boom");
                ex.submit(() -> {
                    Thread t = Thread.currentThread();
                    t.getUncaughtExceptionHandler().uncaughtException(t, boom);
                    return null;
                }).join();
                assertEquals(List.of(boom), reported);
            } finally {
                Thread.setDefaultUncaughtExceptionHandler(before);
            }
        }
    }

    @Test
    void aRunningTaskThatCallsRunOnItselfStaysCurrentAndKeepsItsSlot() throws Exception {
        // run() of a task already running does nothing: neither on its own thread nor when a join runs it inline
        VirtualExecutor ex = (VirtualExecutor) Spindle.builder("rerun").backend("virtual")
                .set("maxConcurrency", "1").build();
        try {
            AtomicReference<Object> ownAfter = new AtomicReference<>();
            AtomicReference<Object> inlineAfter = new AtomicReference<>();
            TaskHandle<Object> outer = ex.submit(() -> {
                Object self = Spindle.currentTask().orElseThrow();
                ((Runnable) self).run();
                ownAfter.set(Spindle.currentTask().orElse(null) == self ? "same" : "changed");
                TaskHandle<Object> inner = ex.submit(() -> { // queued: the one slot is ours, so join runs it here
                    Object me = Spindle.currentTask().orElseThrow();
                    ((Runnable) me).run();
                    inlineAfter.set(Spindle.currentTask().orElse(null) == me ? "same" : "changed");
                    return null;
                });
                inner.join();
                return null;
            });
            outer.get(Duration.ofSeconds(30));
            assertEquals("same", ownAfter.get(), "on its own thread");
            assertEquals("same", inlineAfter.get(), "run inline by a join");
            // the slot was given back once, not twice: two tasks that each hold it until released never overlap
            AtomicInteger inside = new AtomicInteger();
            AtomicInteger most = new AtomicInteger();
            List<TaskHandle<Object>> hs = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                hs.add(ex.submit(() -> {
                    most.accumulateAndGet(inside.incrementAndGet(), Math::max);
                    Thread.sleep(20);
                    inside.decrementAndGet();
                    return null;
                }));
            }
            for (TaskHandle<Object> h : hs) {
                h.get(Duration.ofSeconds(30));
            }
            assertEquals(1, most.get(), "the limit of 1 still holds");
        } finally {
            ex.close();
        }
        assertTrue(ex.awaitTermination(Duration.ofSeconds(30)));
        assertEquals(0, ex.liveThreads(), "every thread counted once as gone");
    }

    @Test
    void theCurrentTaskFollowsAJoinThatRunsAnotherTaskInlineAndEndsWithTheTask() throws Exception {
        // one slot: the outer task holds it, so the inner one waits in the queue and the outer's join runs it inline
        try (TaskExecutor ex = Spindle.builder("inline").backend("virtual").set("maxConcurrency", "1").build()) {
            AtomicReference<Thread> outerThread = new AtomicReference<>();
            AtomicReference<Thread> innerThread = new AtomicReference<>();
            AtomicReference<Object> innerSaw = new AtomicReference<>();
            AtomicReference<Object> outerSawAfterJoin = new AtomicReference<>();
            AtomicReference<Thread> callbackThread = new AtomicReference<>();
            AtomicReference<Object> callbackSaw = new AtomicReference<>("not run");
            CountDownLatch callbackRan = new CountDownLatch(1);
            AtomicReference<TaskHandle<?>> innerHandle = new AtomicReference<>();
            TaskHandle<TaskHandle<?>> outer = ex.submit(() -> {
                outerThread.set(Thread.currentThread());
                TaskHandle<?> self = Spindle.currentTask().orElseThrow();
                // runs on this thread when this task ends, after its code: no task is current there any more
                self.toCompletableFuture().whenComplete((v, e) -> {
                    callbackThread.set(Thread.currentThread());
                    callbackSaw.set(Spindle.currentTask().orElse(null));
                    callbackRan.countDown();
                });
                TaskHandle<Object> inner = ex.submit(() -> {
                    innerThread.set(Thread.currentThread());
                    innerSaw.set(Spindle.currentTask().orElse(null));
                    return null;
                });
                innerHandle.set(inner);
                inner.join();
                outerSawAfterJoin.set(Spindle.currentTask().orElse(null));
                return self;
            });
            // nothing here touches the handle before the callback ran: so the task's own exit completes its future,
            // on its own thread (a get() racing the exit could complete it on this thread instead)
            assertTrue(callbackRan.await(30, TimeUnit.SECONDS));
            TaskHandle<?> self = outer.get(Duration.ofSeconds(30));
            assertSame(outer, self);
            assertSame(outerThread.get(), innerThread.get(), "the join ran the queued task on the joiner's thread");
            assertSame(innerHandle.get(), innerSaw.get(), "inside the inline task, it is the current one");
            assertSame(outer, outerSawAfterJoin.get(), "after the inline task, the joiner is current again");
            assertSame(outerThread.get(), callbackThread.get(), "the end of the task ran on its own thread");
            assertEquals(null, callbackSaw.get(), "once its task has ended, the thread runs no task");
        }
    }

    @Test
    void aTaskThatReplacesItsThreadsHandlerStillGivesBackItsSlotAndItsThread() throws Exception {
        VirtualExecutor ex = (VirtualExecutor) Spindle.builder("own-handler").backend("virtual")
                .set("maxConcurrency", "1").build();
        try {
            for (int i = 0; i < 3; i++) { // with one slot, the second and third run only if the first gave it back
                ex.submit(() -> {
                    Thread.currentThread().setUncaughtExceptionHandler((t, e) -> { });
                    return null;
                }).get(Duration.ofSeconds(30));
            }
        } finally {
            ex.close();
        }
        assertTrue(ex.awaitTermination(Duration.ofSeconds(30)));
        assertEquals(0, ex.liveThreads(), "every task's thread was counted as gone");
    }

    @Property(tries = 20)
    void tasksForkedFromVirtualThreadsAndFromPlainThreadsGetDistinctIds(
            @ForAll @IntRange(min = 1, max = 200) int forkers, @ForAll @IntRange(min = 1, max = 20) int perForker) {
        // virtual tasks take ids one at a time, plain threads in blocks, from the same counter: none may collide
        java.util.Set<Long> ids = java.util.concurrent.ConcurrentHashMap.newKeySet();
        AtomicInteger count = new AtomicInteger();
        try (TaskExecutor ex = Spindle.builder("ids").backend("virtual").build(); TaskGroup outer = TaskGroup.open(ex)) {
            for (int f = 0; f < forkers; f++) {
                TaskHandle<Object> h = outer.fork(() -> {
                    try (TaskGroup g = TaskGroup.open(ex)) {
                        for (int i = 0; i < perForker; i++) {
                            TaskHandle<Object> child = g.fork(() -> null);
                            ids.add(child.id());
                            count.incrementAndGet();
                        }
                        g.join();
                    }
                    return null;
                });
                ids.add(h.id());
                count.incrementAndGet();
            }
            outer.join();
        }
        assertEquals(count.get(), ids.size(), "every task has an id of its own");
    }

    @Test
    void tenThousandConcurrentWaitsNeedNoThreadPool() throws Exception {
        int n = 10_000;
        CountDownLatch allWaiting = new CountDownLatch(n);
        CountDownLatch release = new CountDownLatch(1);
        try (TaskExecutor ex = Spindle.builder("many").backend("virtual").build(); TaskGroup g = TaskGroup.open(ex)) {
            for (int i = 0; i < n; i++) {
                g.fork(() -> {
                    allWaiting.countDown();
                    release.await();
                    return null;
                });
            }
            assertTrue(allWaiting.await(60, TimeUnit.SECONDS), "all " + n + " tasks wait at the same time");
            release.countDown();
            g.join();
        }
    }

    @Test
    void noVirtualThreadSurvivesClose() {
        VirtualExecutor ex = (VirtualExecutor) Spindle.builder("close").backend("virtual").set("maxConcurrency", "3")
                .build();
        for (int i = 0; i < 100; i++) {
            ex.submit(() -> {
                Thread.sleep(1);
                return null;
            });
        }
        ex.close();
        assertEquals(0, ex.liveThreads(), "close() returns after every virtual thread has ended");
    }

    @Test
    void shutdownNowInterruptsRunningTasksAndDropsWaitingOnes() throws Exception {
        VirtualExecutor ex = (VirtualExecutor) Spindle.builder("stop").backend("virtual").set("maxConcurrency", "2")
                .build();
        CountDownLatch started = new CountDownLatch(2);
        List<TaskHandle<Object>> hs = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            hs.add(ex.submit(() -> {
                started.countDown();
                new CountDownLatch(1).await();
                return null;
            }));
        }
        assertTrue(started.await(30, TimeUnit.SECONDS));
        ex.shutdownNow();
        for (TaskHandle<Object> h : hs) {
            assertEquals(TaskState.CANCELLED, h.taskState());
        }
        assertTrue(ex.awaitTermination(Duration.ofSeconds(30)));
        assertEquals(0, ex.liveThreads());
    }

    @Property(tries = 60)
    void theConcurrencyLimitIsNeverExceeded(@ForAll @IntRange(min = 1, max = 8) int limit,
            @ForAll @IntRange(min = 0, max = 200) int tasks, @ForAll @IntRange(min = 0, max = 200) int cancelAt,
            @ForAll @IntRange(min = 0, max = 300) int workMicros) {
        VirtualExecutor ex = (VirtualExecutor) Spindle.builder("limit").backend("virtual")
                .set("maxConcurrency", Integer.toString(limit)).build();
        AtomicInteger now = new AtomicInteger();
        AtomicInteger worst = new AtomicInteger();
        List<TaskHandle<Object>> hs = new ArrayList<>();
        try {
            for (int i = 0; i < tasks; i++) {
                hs.add(ex.submit(() -> {
                    worst.accumulateAndGet(now.incrementAndGet(), Math::max);
                    try {
                        long until = System.nanoTime() + workMicros * 1000L;
                        while (System.nanoTime() < until) {
                            Thread.sleep(0, 100_000);
                        }
                    } finally {
                        now.decrementAndGet();
                    }
                    return null;
                }));
                if (i == cancelAt) {
                    for (int k = 0; k < hs.size(); k += 2) {
                        hs.get(k).cancel();
                    }
                }
            }
            ex.close();
        } finally {
            ex.shutdownNow();
        }
        assertTrue(worst.get() <= limit, worst.get() + " tasks ran at once with a limit of " + limit);
        assertEquals(0, ex.liveThreads());
        for (TaskHandle<Object> h : hs) {
            assertTrue(h.taskState().isTerminal(), h.toString());
        }
    }
}
