package dev.spindle.testkit.eventloop;

import dev.spindle.eventloop.*;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.Cancellation;
import dev.spindle.Spindle;
import dev.spindle.TaskCancelledException;
import dev.spindle.TaskFailedException;
import dev.spindle.TaskGroup;
import dev.spindle.TaskHandle;
import dev.spindle.TaskState;
import dev.spindle.testkit.LogCapture;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The event loop's promises, each as the sentence in its javadoc. */
class EventLoopTest {

    private final EventLoop loop = EventLoop.create("test");

    @AfterEach
    void stop() {
        loop.shutdownNow();
    }

    private static <T> T await(java.util.concurrent.CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    @Test
    void runIsAsyncioRun() {
        assertEquals(42, EventLoop.run(() -> CompletableFuture.completedFuture(42)));
        TaskFailedException e = assertThrows(TaskFailedException.class,
                () -> EventLoop.run(() -> CompletableFuture.failedFuture(new IllegalStateException("main failed"))));
        assertEquals("main failed", e.getCause().getMessage());
    }

    @Test
    void currentIsTheRunningLoopOnItsThreadAndRefusedElsewhere() throws Exception {
        assertSame(loop, loop.submit(EventLoop::current).join());
        assertEquals("slept on main", EventLoop.run(() -> {
            EventLoop main = EventLoop.current();
            return main.sleep(Duration.ofMillis(1)).thenApply(v -> "slept on " + main.name());
        }));
        IllegalStateException e = assertThrows(IllegalStateException.class, EventLoop::current);
        assertTrue(e.getMessage().contains("runs no event loop"), e.getMessage());
    }

    @Test
    void anAsyncTaskEndsWhenItsStageCompletesAndSleepDoesNotBlockTheLoop() throws Exception {
        List<String> trail = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.concurrent.atomic.AtomicReference<TaskHandle<Object>> quick = new java.util.concurrent.atomic.AtomicReference<>();
        TaskHandle<String> slow = loop.submitAsync(() -> {
            var stage = loop.sleep(Duration.ofMillis(500)).thenApply(v -> {
                trail.add("slept");
                return "woke";
            });
            // queued from the loop itself, behind this step: it runs long before the sleep is due, unless the loop
            // is blocked by the sleep
            quick.set(loop.submit(() -> {
                trail.add("quick");
                return null;
            }));
            return stage;
        });
        assertEquals("woke", slow.join(), "the async task ends with its stage");
        quick.get().join();
        assertEquals(List.of("quick", "slept"), trail, "the loop ran another task while the async task slept");
        assertEquals(TaskState.SUCCEEDED, slow.taskState());
    }

    /** A step that holds the loop until {@code release} opens (at most 30 s), then counts itself in {@code ran}. */
    private static Runnable heldStep(CountDownLatch entered, CountDownLatch release, AtomicInteger ran) {
        return () -> {
            entered.countDown();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ran.incrementAndGet();
        };
    }

    /** Waits, bounded, until the loop has run everything it was given and gone idle. */
    private static void awaitIdle(EventLoop l, AtomicInteger ran, int expected) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!(ran.get() == expected && l.isIdle())) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("the loop ran " + ran.get() + " of " + expected + " steps and idle="
                        + l.isIdle() + " after 30 s");
            }
            Thread.sleep(1);
        }
    }

    @Test
    void producersPayNoWakeUpWhileTheLoopIsAwakeAndOneWakesItFromSleep() throws Exception {
        AtomicInteger ran = new AtomicInteger();
        CountDownLatch inStep = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        loop.execute(heldStep(inStep, release, ran));
        assertTrue(inStep.await(30, TimeUnit.SECONDS));
        long busy = loop.wakeUps();
        for (int i = 0; i < 10_000; i++) {
            loop.execute(ran::incrementAndGet);
        }
        assertEquals(busy, loop.wakeUps(), "10,000 submissions to a busy loop woke it");
        release.countDown();
        awaitIdle(loop, ran, 10_001);

        long asleep = loop.wakeUps();
        CountDownLatch again = new CountDownLatch(1);
        loop.execute(heldStep(new CountDownLatch(1), again, ran));
        for (int i = 0; i < 1_000; i++) {
            loop.execute(ran::incrementAndGet); // the first submission woke it: these find it awake
        }
        again.countDown();
        awaitIdle(loop, ran, 11_002);
        assertEquals(asleep + 1, loop.wakeUps(), "a sleeping loop is woken once by a burst, not once per step");
    }

    @Test
    void stepsRunOnTheLoopThreadAndInLoopSaysSo() throws Exception {
        AtomicReference<Thread> seen = new AtomicReference<>();
        AtomicBoolean in = new AtomicBoolean();
        loop.submit(() -> {
            seen.set(Thread.currentThread());
            in.set(loop.inLoop());
            return null;
        }).join();
        assertTrue(in.get());
        assertTrue(seen.get().getName().contains("spindle-loop-test"), seen.get().getName());
        assertTrue(!loop.inLoop());
    }

    @Test
    void aBlockingJoinOnTheLoopThrowsAtOnceAndNamesTheAlternative() {
        TaskHandle<Object> other = loop.submitAsync(() -> loop.sleep(Duration.ofSeconds(5)).thenApply(v -> null));
        TaskHandle<Object> joiner = loop.submit(() -> other.join());
        TaskFailedException e = assertThrows(TaskFailedException.class, joiner::join);
        assertInstanceOf(IllegalStateException.class, e.getCause());
        assertTrue(e.getCause().getMessage().contains("joinAsync"), e.getCause().getMessage());
        other.cancel();
    }

    @Test
    void aGroupJoinsWithoutBlockingFromLoopCode() throws Exception {
        TaskHandle<Integer> h = loop.submitAsync(() -> {
            TaskGroup g = TaskGroup.open(loop);
            TaskHandle<Integer> a = g.fork(() -> 20);
            TaskHandle<Integer> b = g.fork(() -> 22);
            return g.joinAsync().thenApply(v -> a.resultNow() + b.resultNow());
        });
        assertEquals(42, h.join());
    }

    @Test
    void cancellingAnAsyncTaskCancelsTheStageItWaitsOn() throws Exception {
        CompletableFuture<String> never = new CompletableFuture<>();
        CountDownLatch stepRan = new CountDownLatch(1);
        TaskHandle<String> h = loop.submitAsync(() -> {
            stepRan.countDown();
            return never;
        });
        // RUNNING alone is not enough: a cancel that lands before the first step is called means the step never
        // runs, so there is no stage to cancel
        assertTrue(stepRan.await(30, TimeUnit.SECONDS));
        assertTrue(h.cancel());
        assertThrows(TaskCancelledException.class, h::join);
        // join() throws at once (the Future contract); the stage is cancelled by the canceller or, if the step had not
        // yet handed it over, by the loop as the step ends
        assertThrows(java.util.concurrent.CancellationException.class, () -> never.get(30, TimeUnit.SECONDS),
                "the stage the task waited on was cancelled");
        assertTrue(never.isCancelled());
    }

    @Test
    void cancellationCheckWorksInsideAStep() throws Exception {
        CountDownLatch inStep = new CountDownLatch(1);
        AtomicBoolean stopped = new AtomicBoolean();
        TaskHandle<Object> h = loop.submit(() -> {
            inStep.countDown();
            try {
                while (true) {
                    Cancellation.check();
                    Thread.onSpinWait();
                }
            } catch (TaskCancelledException e) {
                stopped.set(true);
                throw e;
            }
        });
        assertTrue(inStep.await(30, TimeUnit.SECONDS));
        h.cancel();
        loop.submit(() -> null).get(Duration.ofSeconds(30));
        assertTrue(stopped.get());
    }

    @Test
    void toThreadRunsBlockingCodeOffTheLoopAndDeliversOnTheLoop() throws Exception {
        AtomicReference<Thread> ranOn = new AtomicReference<>();
        AtomicReference<Thread> deliveredOn = new AtomicReference<>();
        TaskHandle<String> h = loop.submitAsync(() -> loop.toThread(() -> {
            ranOn.set(Thread.currentThread());
            Thread.sleep(20);
            return "blocking result";
        }).thenApply(v -> {
            deliveredOn.set(Thread.currentThread());
            return v;
        }));
        assertEquals("blocking result", h.get(Duration.ofSeconds(30)));
        assertTrue(ranOn.get().isVirtual());
        assertTrue(deliveredOn.get().getName().startsWith("spindle-loop-test"), deliveredOn.get().getName());
    }

    @Test
    void toThreadNeverRunsMoreThanItsCapacity() throws Exception {
        EventLoop small = new EventLoop("cap", Duration.ZERO, false, 3);
        try {
            AtomicInteger now = new AtomicInteger();
            AtomicInteger worst = new AtomicInteger();
            List<CompletableFuture<Integer>> calls = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                int k = i;
                calls.add(small.toThread(() -> {
                    worst.accumulateAndGet(now.incrementAndGet(), Math::max);
                    Thread.sleep(2);
                    now.decrementAndGet();
                    return k;
                }).toCompletableFuture());
            }
            for (int i = 0; i < 30; i++) {
                assertEquals(i, calls.get(i).get(30, TimeUnit.SECONDS));
            }
            assertTrue(worst.get() <= 3, worst.get() + " calls ran at once with a capacity of 3");
        } finally {
            small.shutdownNow();
        }
    }

    @Test
    void toThreadPoliciesDecideWhatCancellingDoesToTheCall() throws Exception {
        for (ToThreadPolicy policy : ToThreadPolicy.values()) {
            CountDownLatch started = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            AtomicBoolean interrupted = new AtomicBoolean();
            AtomicBoolean returned = new AtomicBoolean();
            CompletableFuture<String> call = loop.toThread(() -> {
                started.countDown();
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    interrupted.set(true);
                    Thread.sleep(20); // finishes its cleanup after the interrupt
                } finally {
                    returned.set(true);
                }
                return "done";
            }, policy).toCompletableFuture();
            assertTrue(started.await(30, TimeUnit.SECONDS));
            call.cancel(true);
            if (policy == ToThreadPolicy.WAIT) {
                assertThrows(java.util.concurrent.CancellationException.class, () -> call.get(30, TimeUnit.SECONDS));
                assertTrue(returned.get(), "WAIT completes the stage only after the call returned");
            } else {
                assertTrue(call.isCancelled(), policy + " completes the stage at once");
            }
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (policy == ToThreadPolicy.INTERRUPT && !interrupted.get() && System.nanoTime() < until) {
                Thread.onSpinWait(); // the interrupt reaches the thread a moment after cancel(): do not release first
            }
            release.countDown();
            while (!returned.get() && System.nanoTime() < until) {
                Thread.onSpinWait();
            }
            assertEquals(policy != ToThreadPolicy.ABANDON, interrupted.get(), policy + ": interrupted?");
        }
    }

    @Test
    void aSlowStepIsReportedWithItsTaskAndStack() throws Exception {
        EventLoop watched = new EventLoop("watched", Duration.ofMillis(30), false, 4);
        try (LogCapture log = LogCapture.start()) {
            watched.submit(() -> {
                holdUntilLogged(log, "sleepy"); // the bug the watchdog exists for: a step that sleeps
                return null;
            }, dev.spindle.TaskOptions.named("sleepy")).get(Duration.ofSeconds(30));
            String text = log.text();
            assertTrue(text.contains("sleepy") && text.contains("Thread.sleep"), text);
        } finally {
            watched.shutdownNow();
        }
    }

    /**
     * Holds the loop (sleeping in short naps) until a line containing {@code text} was logged, at most 20 s: the
     * watchdog reports a step only while it runs, so a fixed-length step would race a watchdog that a loaded machine
     * schedules late.
     */
    private static void holdUntilLogged(LogCapture log, String text) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (log.linesContaining(text).isEmpty() && System.nanoTime() < until) {
            Thread.sleep(20);
        }
    }

    @Test
    void aSlowPlainStepIsNamedByWhereItsCodeIs() throws Exception {
        EventLoop watched = new EventLoop("watched-plain", Duration.ofMillis(30), false, 4);
        try (LogCapture log = LogCapture.start()) {
            java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
            watched.execute(() -> {
                // a plain step, not a task: no name but its code; it holds the loop until the watchdog has spoken
                // (bounded), however late a slow machine schedules the watchdog
                long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                try {
                    while (log.linesContaining("'watched-plain' has been held").isEmpty()
                            && System.nanoTime() < until) {
                        Thread.sleep(20);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                done.countDown();
            });
            assertTrue(done.await(30, TimeUnit.SECONDS));
            String text = log.text();
            assertTrue(text.contains("by the step " + EventLoopTest.class.getName()
                    + ".lambda$aSlowPlainStepIsNamedByWhereItsCodeIs$") && text.contains("Thread.sleep"), text);
        } finally {
            watched.shutdownNow();
        }
    }

    @Test
    void theDefaultSlowStepThresholdIs100Milliseconds() throws Exception {
        try (LogCapture log = LogCapture.start()) {
            long t0 = System.nanoTime();
            loop.submit(() -> {
                holdUntilLogged(log, "over-the-default");
                return null;
            }, dev.spindle.TaskOptions.named("over-the-default")).get(Duration.ofSeconds(30));
            List<String> lines = log.linesContaining("over-the-default");
            assertTrue(!lines.isEmpty() && lines.get(0).contains("threshold 100 ms"), log.text());
            assertTrue(System.nanoTime() - t0 >= TimeUnit.MILLISECONDS.toNanos(100),
                    "reported only after the step held the loop for the threshold");
        }
    }

    @Test
    void strictModeFailsATaskWhoseStepIsTooSlow() {
        EventLoop strict = new EventLoop("strict", Duration.ofMillis(20), true, 4);
        try {
            TaskHandle<Object> h = strict.submit(() -> {
                long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(60);
                while (System.nanoTime() < until) {
                    Thread.onSpinWait();
                }
                return null;
            });
            TaskFailedException e = assertThrows(TaskFailedException.class, h::join);
            assertInstanceOf(EventLoopBlockedException.class, e.getCause());
        } finally {
            strict.shutdownNow();
        }
    }

    @Test
    void aGroupOfLoopsGivesTheSameLoopForTheSameKey() {
        try (EventLoopGroup group = new EventLoopGroup("g", 3)) {
            assertSame(group.forKey("session-7"), group.forKey("session-7"));
            EventLoop a = group.next();
            EventLoop b = group.next();
            EventLoop c = group.next();
            assertSame(a, group.next(), "round robin over 3 loops");
            assertTrue(a != b && b != c && a != c);
        }
    }

    @Test
    void closeRunsAcceptedWorkToItsEndAndShutdownNowCancelsTimers() throws Exception {
        EventLoop l = EventLoop.create("closing");
        TaskHandle<String> h = l.submitAsync(() -> l.sleep(Duration.ofMillis(30)).thenApply(v -> "finished"));
        l.close();
        assertEquals("finished", h.join());

        EventLoop m = EventLoop.create("stopping");
        TaskHandle<String> pending = m.submitAsync(() -> m.sleep(Duration.ofSeconds(30)).thenApply(v -> "never"));
        AtomicBoolean fired = new AtomicBoolean();
        java.util.concurrent.atomic.AtomicReference<Scheduled> timer = new java.util.concurrent.atomic.AtomicReference<>();
        CountDownLatch due = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        m.execute(() -> {
            // on the loop thread: the timer goes straight into the loop's timer heap; the step then holds the loop
            // until the timer is due, so that only shutdownNow stands between it and its firing
            timer.set(m.schedule(Duration.ofMillis(1), () -> fired.set(true)));
            long dueAt = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1); // no earlier than the timer's due time
            try {
                while (System.nanoTime() - dueAt < 0) { // until the timer is due, whatever the sleep's precision
                    Thread.sleep(1);
                }
                due.countDown();
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertTrue(due.await(30, TimeUnit.SECONDS));
        m.shutdownNow();
        release.countDown();
        assertThrows(TaskCancelledException.class, pending::join);
        assertTrue(m.awaitTermination(Duration.ofSeconds(30)));
        assertTrue(!fired.get(), "a due timer does not fire after shutdownNow");
        assertTrue(!timer.get().cancel(), "shutdownNow cancelled it already");
    }

    @Test
    void executeRunsAPlainStepInOrderWithTasksAndFailuresDoNotStopTheLoop() throws Exception {
        List<String> trail = new ArrayList<>(); // touched only on the loop
        AtomicReference<Object> taskSeen = new AtomicReference<>("unset");
        loop.execute(() -> trail.add("step 1"));
        loop.submit(() -> trail.add("task 2"));
        loop.execute(() -> {
            taskSeen.set(Spindle.currentTask().orElse(null));
            trail.add("step 3");
        });
        try (LogCapture log = LogCapture.start()) {
            loop.execute(() -> {
                throw new IllegalStateException("a step that fails");
            });
            loop.execute(() -> trail.add("step 5"));
            assertEquals(List.of("step 1", "task 2", "step 3", "step 5"), loop.submit(() -> List.copyOf(trail))
                    .get(Duration.ofSeconds(30)));
            assertTrue(log.text().contains("a step that fails"), "a failed step is logged at once:\n" + log.text());
        }
        assertEquals(null, taskSeen.get(), "a plain step runs outside any task");
    }

    @Test
    void executeFromOutsideIsRejectedOnceTheLoopIsClosingButLoopCodeMayStillSchedule() throws Exception {
        EventLoop l = new EventLoop("rejecting", Duration.ZERO, false, 4);
        AtomicInteger ran = new AtomicInteger();
        CountDownLatch release = new CountDownLatch(1);
        l.submitAsync(() -> l.toThread(() -> release.await(30, TimeUnit.SECONDS)).thenApply(v -> {
            l.execute(ran::incrementAndGet); // accepted work scheduling more while the loop closes
            return v;
        }));
        Thread closer = Thread.ofPlatform().start(l::close);
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!l.isShutdown() && System.nanoTime() < until) {
            Thread.onSpinWait();
        }
        var e = assertThrows(java.util.concurrent.RejectedExecutionException.class, () -> l.execute(() -> { }));
        assertTrue(e.getMessage().contains("'rejecting'") && e.getMessage().contains("before close()"), e.getMessage());
        release.countDown();
        closer.join(TimeUnit.SECONDS.toMillis(30));
        assertTrue(l.isTerminated());
        assertEquals(1, ran.get(), "the step the closing task scheduled ran before close() returned");
    }

    /**
     * Holds {@code l}'s thread in a step until the returned latch is released, so that what is submitted meanwhile
     * stays queued. Returns once the step runs.
     */
    private static CountDownLatch holdTheLoop(EventLoop l) throws InterruptedException {
        CountDownLatch busy = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        l.execute(() -> {
            busy.countDown();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertTrue(busy.await(30, TimeUnit.SECONDS));
        return release;
    }

    @Test
    void closeRunsTasksAndStepsQueuedBehindABusyStep() throws Exception {
        EventLoop l = new EventLoop("draining", Duration.ZERO, false, 4);
        CountDownLatch release = holdTheLoop(l);
        List<String> ran = new java.util.concurrent.CopyOnWriteArrayList<>();
        TaskHandle<String> task = l.submit(() -> {
            ran.add("task");
            return "done";
        });
        l.execute(() -> ran.add("step"));
        l.runOnLoop(() -> ran.add("runOnLoop"));
        Thread closer = Thread.ofPlatform().start(l::close);
        release.countDown();
        closer.join(TimeUnit.SECONDS.toMillis(30));
        assertTrue(l.isTerminated());
        assertEquals("done", task.join());
        assertEquals(List.of("task", "step", "runOnLoop"), ran);
    }

    @Test
    void shutdownNowCancelsQueuedTasksDropsQueuedStepsAndCancelsTimers() throws Exception {
        EventLoop l = new EventLoop("dropping", Duration.ZERO, false, 4);
        CountDownLatch release = holdTheLoop(l);
        AtomicInteger ran = new AtomicInteger();
        TaskHandle<Object> queued = l.submit(() -> ran.incrementAndGet());
        l.execute(ran::incrementAndGet);
        l.runOnLoop(ran::incrementAndGet);
        l.schedule(Duration.ofMillis(1), ran::incrementAndGet);
        l.shutdownNow();
        release.countDown();
        assertTrue(l.awaitTermination(Duration.ofSeconds(30)));
        assertEquals(TaskState.CANCELLED, queued.taskState());
        assertThrows(TaskCancelledException.class, queued::join);
        assertEquals(0, ran.get(), "no pending step, task or timer ran after shutdownNow");
        assertThrows(java.util.concurrent.RejectedExecutionException.class, () -> l.execute(() -> { }));
    }

    @Test
    void shutdownOfTheExecutorServiceViewTerminatesOnlyOnceQueuedStepsRan() throws Exception {
        EventLoop l = new EventLoop("viewed", Duration.ZERO, false, 4);
        var service = l.asExecutorService();
        AtomicInteger ran = new AtomicInteger();
        CountDownLatch release = new CountDownLatch(1);
        service.execute(heldStep(new CountDownLatch(1), release, ran));
        for (int i = 0; i < 100; i++) {
            service.execute(ran::incrementAndGet);
        }
        service.shutdown();
        assertTrue(!service.isTerminated(), "steps are still queued");
        release.countDown();
        assertTrue(service.awaitTermination(30, TimeUnit.SECONDS));
        assertEquals(101, ran.get());
    }

    @Test
    void theWatchdogIsOffWithAZeroThreshold() throws Exception {
        try (LogCapture log = LogCapture.start()) {
            EventLoop quiet = new EventLoop("quiet", Duration.ZERO, false, 4);
            try {
                assertTrue(Thread.getAllStackTraces().keySet().stream().noneMatch(
                        t -> t.getName().equals("spindle-loop-quiet-watchdog")), "no watchdog thread is started");
                quiet.submit(() -> {
                    Thread.sleep(150);
                    return null;
                }, dev.spindle.TaskOptions.named("slow-but-allowed")).get(Duration.ofSeconds(30));
            } finally {
                quiet.close();
            }
            assertTrue(log.linesContaining("slow-but-allowed").isEmpty(), log.text());
        }
        try (var configured = Spindle.builder("quiet-cfg").backend("eventloop").set("slowTaskThreshold", "0")
                .build()) {
            configured.submit(() -> null).join();
            assertTrue(Thread.getAllStackTraces().keySet().stream().noneMatch(
                    t -> t.getName().equals("spindle-loop-quiet-cfg-watchdog")), "slowTaskThreshold=0 turns it off");
        }
    }

    @Test
    void theFirstStepOfAnAsyncTaskRunsInsideItsTask() throws Exception {
        AtomicReference<Object> seen = new AtomicReference<>();
        TaskHandle<String> h = loop.submitAsync(() -> {
            seen.set(Spindle.currentTask().orElse(null));
            Cancellation.check();
            return loop.sleep(Duration.ofMillis(1)).thenApply(v -> "slept");
        });
        assertEquals("slept", h.get(Duration.ofSeconds(30)));
        assertSame(h, seen.get());
    }

    /**
     * The documented limit (docs/eventloop.md, "Limits"; {@link AsyncTask}): a callback runs in the context of
     * whatever completes its stage. Should this change, the documentation must change with it.
     */
    @Test
    void aCallbackRunsInTheContextOfWhatCompletesItsStage() throws Exception {
        AsyncQueue<String> queue = new AsyncQueue<>(1);
        AtomicReference<Object> afterSleep = new AtomicReference<>("unset");
        AtomicReference<Object> afterTake = new AtomicReference<>("unset");
        TaskHandle<String> taker = loop.submitAsync(() -> queue.take().thenApply(item -> {
            afterTake.set(Spindle.currentTask().orElse(null));
            return item;
        }));
        TaskHandle<String> sleeper = loop.submitAsync(() -> loop.sleep(Duration.ofMillis(1)).thenApply(v -> {
            afterSleep.set(Spindle.currentTask().orElse(null));
            return "slept";
        }));
        assertEquals("slept", sleeper.get(Duration.ofSeconds(30)));
        assertEquals(null, afterSleep.get(), "after sleep: outside any task");
        TaskHandle<Boolean> putter = loop.submit(() -> queue.offer("item"));
        assertEquals("item", taker.get(Duration.ofSeconds(30)));
        assertSame(putter, afterTake.get(), "after take: inside the task whose put ended the wait");
    }

    @Test
    void theBackendIsFoundByConfiguration() {
        try (var ex = Spindle.builder("cfg").backend("eventloop").set("toThreadCapacity", "2").build()) {
            assertNotNull(ex);
            assertEquals(2, ((EventLoop) ex).toThreadCapacity());
        }
        assertEquals(40, loop.toThreadCapacity(), "the default capacity");
    }
}
