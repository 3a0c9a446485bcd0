package dev.spindle.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.spindle.Cancellation;
import dev.spindle.DeadlineExceededException;
import dev.spindle.TaskCancelledException;
import dev.spindle.TaskExecutor;
import dev.spindle.TaskFailedException;
import dev.spindle.TaskHandle;
import dev.spindle.TaskOptions;
import dev.spindle.TaskState;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** What a single task handle promises on every backend: results, failures, cancellation, deadlines. */
public abstract class HandleContract extends BackendFixture {

    @Test
    void joinReturnsTheResultAndTheStateIsSucceeded() {
        TaskHandle<String> h = executor(2).submit(() -> "done", TaskOptions.named("greeter"));
        assertEquals("done", h.join());
        assertEquals(TaskState.SUCCEEDED, h.taskState());
        assertEquals("greeter", h.name());
        assertTrue(h.isDone());
        assertNull(h.failure());
    }

    @Test
    void aFailureIsThrownAsTaskFailedExceptionWithTheCause() throws Exception {
        IOException boom = new IOException("disk on fire");
        TaskHandle<Object> h = executor(2).submit(() -> {
            throw boom;
        });
        TaskFailedException e = assertThrows(TaskFailedException.class, h::join);
        assertSame(boom, e.getCause());
        assertEquals(TaskState.FAILED, h.taskState());
        assertSame(boom, h.failure());
        ExecutionException ee = assertThrows(ExecutionException.class, h::get);
        assertSame(boom, ee.getCause());
    }

    @Test
    void cancellingARunningTaskInterruptsItAndJoinThrowsAtOnce() {
        assumeTrue(interruptsRunningTasks(), "needs a blocked task to be interrupted");
        assumeFalse(runsOnCallerThread(), "the submitter never holds a running task's handle");
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch exited = new CountDownLatch(1);
        AtomicBoolean interrupted = new AtomicBoolean();
        TaskHandle<Object> h = executor(2).submit(() -> {
            started.countDown();
            try {
                blockUntilInterrupted();
            } catch (InterruptedException e) {
                interrupted.set(true);
                throw e;
            } finally {
                exited.countDown();
            }
            return null;
        });
        await(started, "the task to start");
        assertTrue(h.cancel(), "cancel() of a running task returns true");
        assertEquals(TaskState.CANCELLED, h.taskState());
        assertTrue(h.isCancelled());
        assertThrows(TaskCancelledException.class, h::join);
        await(exited, "the cancelled task's code to exit");
        assertTrue(interrupted.get(), "the task's thread was interrupted");
    }

    @Test
    void aCancelledPendingTaskNeverRuns() {
        assumeFalse(runsOnCallerThread(), "nothing is ever pending on this backend");
        TaskExecutor ex = executor(1);
        CountDownLatch blockerStarted = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ex.submit(() -> {
            blockerStarted.countDown();
            await(release, "the test to release the only thread");
            return null;
        });
        await(blockerStarted, "the blocker to occupy the only thread");
        AtomicBoolean ran = new AtomicBoolean();
        TaskHandle<Object> queued = ex.submit(() -> {
            ran.set(true);
            return null;
        });
        assertEquals(TaskState.PENDING, queued.taskState());
        assertTrue(queued.cancel());
        release.countDown();
        ex.close();
        assertFalse(ran.get(), "a task cancelled while pending must never run");
        assertEquals(TaskState.CANCELLED, queued.taskState());
    }

    @Test
    void cancellingASucceededTaskChangesNothing() {
        TaskHandle<Integer> h = executor(2).submit(() -> 42);
        assertEquals(42, h.join());
        assertFalse(h.cancel(), "cancellation never un-happens a success");
        assertEquals(TaskState.SUCCEEDED, h.taskState());
        assertEquals(42, h.join());
    }

    @Test
    void aTimeoutStopsTheWorkNotOnlyTheWaiting() {
        assumeTrue(interruptsRunningTasks(), "needs a blocked task to be interrupted");
        AtomicBoolean started = new AtomicBoolean();
        AtomicBoolean interrupted = new AtomicBoolean();
        TaskHandle<Object> h = executor(2).submit(() -> {
            started.set(true);
            try {
                blockUntilInterrupted();
            } catch (InterruptedException e) {
                interrupted.set(true);
                throw e;
            }
            return null;
        }, TaskOptions.named("slow").withTimeout(Duration.ofMillis(100)));
        DeadlineExceededException e = assertThrows(DeadlineExceededException.class, h::join);
        assertTrue(e.getMessage().contains("slow"), e.getMessage());
        awaitExit(h);
        // on a loaded machine the task may not have started before its deadline: then it must never start
        assertTrue(interrupted.get() || !started.get(), "the timed-out task was interrupted");
    }

    @Test
    void cancellationCheckStopsACpuLoop() {
        CountDownLatch looping = new CountDownLatch(1);
        AtomicReference<Throwable> seen = new AtomicReference<>();
        GroupOnAnotherThread g = GroupOnAnotherThread.start(executor(2), () -> {
            looping.countDown();
            try {
                for (;;) {
                    Cancellation.check();
                    Thread.onSpinWait();
                }
            } catch (TaskCancelledException e) {
                seen.set(e);
                throw e;
            }
        });
        await(looping, "the loop to start");
        g.group().cancel();
        assertInstanceOf(TaskCancelledException.class, g.outcome());
        assertInstanceOf(TaskCancelledException.class, seen.get(), "Cancellation.check() ended the loop");
    }

    @Test
    void shieldedCleanupIsNotInterruptedAndTheCancellationArrivesAfterIt() {
        assumeTrue(interruptsRunningTasks(), "needs a blocked task to be interrupted");
        CountDownLatch inShield = new CountDownLatch(1);
        CountDownLatch afterCancel = new CountDownLatch(1);
        AtomicBoolean cleanupFinished = new AtomicBoolean();
        AtomicBoolean cancelledInsideShield = new AtomicBoolean(true);
        AtomicBoolean interruptedAfterShield = new AtomicBoolean();
        GroupOnAnotherThread g = GroupOnAnotherThread.start(executor(2), () -> {
            Cancellation.shielded(() -> {
                inShield.countDown();
                await(afterCancel, "the group to be cancelled"); // an interrupt here would fail the test
                cancelledInsideShield.set(Cancellation.isCancelled());
                Cancellation.check(); // shielded: does not throw
                cleanupFinished.set(true);
                return null;
            });
            interruptedAfterShield.set(Thread.currentThread().isInterrupted());
            Cancellation.check();
            return null;
        });
        await(inShield, "the task to enter its shield");
        g.group().cancel();
        afterCancel.countDown();
        assertInstanceOf(TaskCancelledException.class, g.outcome());
        assertTrue(cleanupFinished.get(), "shielded code ran to its end");
        assertFalse(cancelledInsideShield.get(), "inside the shield the task does not look cancelled");
        assertTrue(interruptedAfterShield.get(), "the cancellation was delivered when the shield ended");
    }

    @Test
    void aTaskThatSwallowsItsCancellationIsReportedOnceAtWarn() {
        assumeTrue(interruptsRunningTasks(), "needs a blocked task to be interrupted");
        CountDownLatch blocked = new CountDownLatch(1);
        try (LogCapture log = LogCapture.start()) {
            GroupOnAnotherThread g = GroupOnAnotherThread.start(executor(2), () -> {
                try {
                    blocked.countDown();
                    blockUntilInterrupted();
                } catch (InterruptedException swallowed) {
                    // the bug this report exists for
                }
                return "ignored";
            });
            await(blocked, "the task to block");
            g.group().cancel();
            assertInstanceOf(TaskCancelledException.class, g.outcome());
            TaskHandle<?> h = g.group().tasks().get(0);
            long warnings = log.linesContaining("swallowed the interrupt").stream()
                    .filter(l -> l.contains("#" + h.id() + ")")).count();
            assertEquals(1, warnings, "exactly one WARN names the task:\n" + log.text());
            assertThrows(TaskCancelledException.class, h::join);
        }
    }

    @Test
    void getWithATimeoutStopsTheWaitingButNotTheWork() throws Exception {
        assumeFalse(runsOnCallerThread(), "the submitter only gets the handle once the task is done");
        CountDownLatch release = new CountDownLatch(1);
        TaskHandle<String> h = executor(2).submit(() -> {
            await(release, "release");
            return "finished";
        });
        assertThrows(TimeoutException.class, () -> h.get(Duration.ofMillis(20)));
        assertFalse(h.isDone(), "the work goes on after the waiter's timeout");
        release.countDown();
        assertEquals("finished", h.get(PATIENCE));
    }

    @Test
    void cancellingTheCompletableFutureCancelsTheTask() {
        assumeTrue(interruptsRunningTasks(), "needs a blocked task to be interrupted");
        assumeFalse(runsOnCallerThread(), "the submitter only gets the handle once the task is done");
        CountDownLatch started = new CountDownLatch(1);
        TaskHandle<Object> h = executor(2).submit(() -> {
            started.countDown();
            blockUntilInterrupted();
            return null;
        });
        CompletableFuture<Object> cf = h.toCompletableFuture();
        await(started, "start");
        cf.cancel(true);
        assertEquals(TaskState.CANCELLED, h.taskState());
        awaitExit(h);
    }

    @Test
    void theExecutorServiceViewsFuturesReachTheWork() throws Exception {
        assumeTrue(interruptsRunningTasks(), "needs a blocked task to be interrupted");
        assumeFalse(runsOnCallerThread(), "the submitter only gets the future once the task is done");
        CountDownLatch started = new CountDownLatch(1);
        AtomicBoolean interrupted = new AtomicBoolean();
        CountDownLatch exited = new CountDownLatch(1);
        Future<?> f = executor(2).asExecutorService().submit(() -> {
            started.countDown();
            try {
                blockUntilInterrupted();
            } catch (InterruptedException e) {
                interrupted.set(true);
            } finally {
                exited.countDown();
            }
        });
        await(started, "start");
        assertTrue(f.cancel(false), "even cancel(false) stops the work: Spindle always interrupts");
        await(exited, "exit");
        assertTrue(interrupted.get());
        assertEquals(7, executor(2).asExecutorService().submit(() -> 7).get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS));
    }

    /**
     * Waits until a task's code has finished.
     *
     * @param h the handle
     */
    protected static void awaitExit(TaskHandle<?> h) {
        try {
            h.toCompletableFuture().handle((v, e) -> null).get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new AssertionError("task did not exit within " + PATIENCE, e);
        }
    }
}
